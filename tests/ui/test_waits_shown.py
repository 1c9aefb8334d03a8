"""Waits drawn by the faces: the provider's retry-after in the error view, and the wait before
asking again in a compare column's counters."""

from __future__ import annotations

from openmaas_tui.core.compare.lane import CompareTarget, Lane, LaneStatus
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.ui.widgets.compare_column import counters_text
from openmaas_tui.ui.widgets.error_view import error_text


def test_the_error_view_shows_the_provider_s_wait() -> None:
    error = OpenMaaSError(ErrorCode.RATE_LIMITED, "slow down", status=429, retry_after=20)
    assert error_text(error).plain.splitlines() == [
        "RATE_LIMITED: slow down",
        "retry after 20 s (the provider's wait)",
        "→ wait and try again",
    ]
    plain = OpenMaaSError(ErrorCode.AUTH_FAILED, "bad key", provider="openai")
    assert "retry after" not in error_text(plain).plain


def test_a_compare_column_shows_the_wait_until_the_lane_ends() -> None:
    lane = Lane(0, CompareTarget("gpt-4o-mini"))
    lane.status = LaneStatus.WAITING
    busy = OpenMaaSError(ErrorCode.PROVIDER_UNAVAILABLE, "overloaded", status=529)
    lane.retry_wait = RetryWait(busy, 4.0, 1, 2)
    assert "provider overloaded (HTTP 529), retrying in 4 s… (1 of 2)" in counters_text(lane).plain
    lane.status = LaneStatus.ERROR
    assert "retrying" not in counters_text(lane).plain
