"""Optional dependencies of some providers: botocore for Bedrock, google-auth for Vertex AI.

They are installed as extras (``pip install 'openmaas-tui[bedrock]'``, ``[vertex]``), so a
person who never uses those providers never installs them; without them the provider refuses
with a coded error that says exactly what to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError


def install_hint(extra: str) -> str:
    """The command that installs ``extra``: ``pip install 'openmaas-tui[bedrock]'``."""
    return f"pip install 'openmaas-tui[{extra}]'"


def require(module: str, *, extra: str, provider: str) -> ModuleType:
    """Import ``module`` (``botocore.auth``), which comes with the ``extra`` of the package.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when it is not installed, its hint exactly
            :func:`install_hint` of ``extra``.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise OpenMaaSError(
            ErrorCode.INVALID_SETTINGS,
            f"{provider} needs the {module.partition('.')[0]} package, which is not installed",
            provider=provider,
            hint=install_hint(extra),
        ) from None


__all__ = ["install_hint", "require"]
