"""Every provider answers in the playground: the app started as ``openmaas --provider P -m MODEL
--base-url URL`` on one of that provider's recordings replayed on loopback shows the recorded
text, and the answer's record holds the recorded usage and the price table's cost for it. The
choice of the Responses API comes from ``config.toml`` (``[providers.NAME] api``), as a person
would set it for the playground."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.pricing.prices import cost_usd, load_price_table
from tests.cli.test_every_provider import CASES, Case, _our_usage, credentials  # noqa: F401
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import ask, screen_text, settle

SIZE = (140, 40)


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[ReplayServer]:
    case: Case = request.param
    served = ReplayServer(fixture_reply(fixture_path(case.recording)))
    served.start_in_thread()
    yield served
    served.stop_thread()


@pytest.mark.parametrize(
    ("case", "server"), [(c, c) for c in CASES], ids=[c.id for c in CASES], indirect=["server"]
)
async def test_the_playground_shows_each_providers_answer_with_its_cost(
    case: Case, server: ReplayServer, isolated_home: Path
) -> None:
    if case.api:
        isolated_home.mkdir(parents=True, exist_ok=True)
        (isolated_home / "config.toml").write_text(
            f'[providers.{case.provider}]\napi = "{case.api}"\n', encoding="utf-8"
        )
    argv = ["--provider", case.provider, "-m", case.model, "--base-url", server.url]
    app = build_app(argv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = await ask(pilot, "hi")
        record = view.exchange.record
        assert record is not None and record.error_code is None, record
        want = expected(case.recording)["text"]
        assert record.text == want
        usage = _our_usage(case)
        assert record.usage is not None
        assert (record.usage.input_tokens, record.usage.output_tokens) == (
            usage.input_tokens,
            usage.output_tokens,
        )
        price = load_price_table().price(case.provider, case.model)
        assert record.cost_usd == cost_usd(price, record.usage)
        if want:  # the tool-call recording answers with a call and no text
            word = max((w for w in want.split() if w.isalpha()), key=len)
            assert word in screen_text(app), word
    await app.services.aclose()  # type: ignore[attr-defined]
