"""Fixtures shared by the adapter tests: the shared HTTP client. The replay server (``server``)
is in tests/conftest.py.

A module whose ``server`` should answer with a fixture when nothing is queued overrides the
``default_reply`` fixture.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from openmaas_tui.core.http import make_client


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The application's shared client (``make_client()``), closed after the test."""
    async with make_client() as shared:
        yield shared
