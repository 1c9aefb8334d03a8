"""The "Gateway" view through the Pilot: opened from the command palette, empty at first, it
shows the gateway's requests as another process records them (and only the gateway's)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.history.ledger import NewSpend, SpendSource
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Usage
from openmaas_tui.ui.screens.gateway_screen import GatewayScreen
from tests.support.ui import palette_hits, playground, wait_until

SIZE = (120, 30)


def _record(
    store: Store,
    model: str,
    source: SpendSource,
    *,
    billed: bool = True,
    client: str | None = None,
    status: int | None = None,
) -> None:
    usage = Usage(1200, 34) if billed else None
    record = AnswerRecord(
        "ok" if billed else "",
        usage=usage,
        cost_usd=0.0123 if billed else 0.0,
        billed=billed,
        provider="anthropic",
        model=model,
    )
    store.add_spends([NewSpend(record, source, client=client, status=status)])


async def test_the_gateway_view_follows_the_ledger(isolated_home: Path) -> None:
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Gateway")
        await wait_until(pilot, lambda: palette_hits(app), what="the Gateway command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GatewayScreen), what="the view")
        screen = app.screen
        assert isinstance(screen, GatewayScreen)
        table: DataTable[object] = screen.query_one(DataTable)
        assert table.row_count == 0 and screen.has_class("-empty")

        other = Store(resolve_paths().history_db)  # what `openmaas serve` writes, elsewhere
        try:
            _record(
                other, "claude-sonnet-4-5", SpendSource.GATEWAY, client="Anthropic/Py", status=200
            )
            _record(other, "gpt-4o", SpendSource.PLAYGROUND)
            _record(other, "gpt-4o-mini", SpendSource.GATEWAY, billed=False, status=429)
            _record(other, "gpt-4o-mini", SpendSource.GATEWAY, billed=False)  # kept no status
        finally:
            other.close()
        await wait_until(pilot, lambda: table.row_count == 3, what="the gateway rows", timeout_s=10)
        cells = [[str(c) for c in table.get_row_at(i)] for i in range(3)]
        assert cells[0][1:] == [
            "Anthropic/Py",
            "claude-sonnet-4-5",
            "200",
            "1,200",
            "34",
            "$0.012",
        ]
        assert cells[1][1:4] == ["–", "gpt-4o-mini", "429"]
        assert cells[1][-1] == "$0"
        assert cells[2][3] == "not billed"
        assert not screen.has_class("-empty") and table.cursor_row == 2
        await pilot.press("escape")
        assert not isinstance(app.screen, GatewayScreen)


async def test_every_column_fits_in_80_columns(isolated_home: Path) -> None:
    """At 80x24 a long client and model are cut (ending in …) so the cost stays in view; at
    160 columns the same rows show whole again."""
    store = Store(resolve_paths().history_db)
    try:
        _record(
            store,
            "claude-sonnet-4-5-20250929",
            SpendSource.GATEWAY,
            client="AsyncAnthropic/Python",
            status=200,
        )
    finally:
        store.close()
    app = playground(["--demo"])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(GatewayScreen(app.services))
        await wait_until(pilot, lambda: isinstance(app.screen, GatewayScreen), what="the view")
        table: DataTable[object] = app.screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 1, what="the row")
        await pilot.pause()
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[1:4] == ["AsyncAnthropi…", "claude-sonnet…", "200"]
        assert table.virtual_size.width <= table.scrollable_content_region.width
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[1:3] == ["AsyncAnthropic/Python", "claude-sonnet-4-5-20250929"]
