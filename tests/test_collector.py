"""The collector set for a long run of streams: what start-up built is frozen out of its
sight, and young collections wait for 20,000 allocations."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from openmaas_tui.collector import calm_the_collector


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector")
def test_start_up_is_frozen_and_young_collections_come_rarely() -> None:
    gc.unfreeze()
    started = [object() for _ in range(10)]  # what start-up built, alive for the run
    calm_the_collector()
    assert gc.get_freeze_count() >= len(started)
    assert gc.get_threshold()[0] == 20_000
