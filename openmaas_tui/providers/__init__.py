"""Adapters, one module per wire protocol, each over the shared ``httpx.AsyncClient``.

Every adapter turns a :class:`~openmaas_tui.core.types.ChatRequest` into its provider's wire
format and the provider's answer into :data:`~openmaas_tui.core.types.StreamEvent` values. Raw
httpx exceptions never leave an adapter: :mod:`.http_errors` maps them at the boundary.
"""
