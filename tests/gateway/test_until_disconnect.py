"""An answer runs in the request's own task, cut short when the client leaves or the gateway
stops (``gateway/asgi.py: until_disconnect``, ``gateway/stop.py``)."""

from __future__ import annotations

import asyncio

import pytest

from openmaas_tui.gateway.asgi import Message, until_disconnect
from openmaas_tui.gateway.stop import StopSignal


class Client:
    """The ASGI ``receive`` of a request whose body was read: it returns ``http.disconnect``
    once :meth:`leave` is called."""

    def __init__(self) -> None:
        self.gone = asyncio.Event()
        self.waiting = 0

    async def receive(self) -> Message:
        self.waiting += 1
        try:
            await self.gone.wait()
        finally:
            self.waiting -= 1
        return {"type": "http.disconnect"}

    def leave(self) -> None:
        self.gone.set()


class Work:
    """An answer that runs until :attr:`finish` is set, noting whether it was cancelled."""

    def __init__(self, *, swallow: bool = False) -> None:
        self.finish = asyncio.Event()
        self.started = asyncio.Event()
        self.cancelled = False
        self.task: asyncio.Task[object] | None = None
        self._swallow = swallow

    async def run(self) -> None:
        self.task = asyncio.current_task()
        self.started.set()
        try:
            await self.finish.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            if not self._swallow:
                raise


async def test_an_answer_that_ends_is_done_in_the_callers_task() -> None:
    client, work = Client(), Work()
    work.finish.set()
    outcome = await until_disconnect(work.run(), client.receive, StopSignal(), 5.0)
    assert outcome == "done"
    assert work.task is asyncio.current_task()  # no task of its own
    await asyncio.sleep(0)
    assert client.waiting == 0  # the watch is gone with the answer


async def test_a_client_that_leaves_cancels_the_answer() -> None:
    client, work = Client(), Work()
    running = asyncio.create_task(until_disconnect(work.run(), client.receive, StopSignal(), 5.0))
    await work.started.wait()
    client.leave()
    assert await asyncio.wait_for(running, 5) == "left"
    assert work.cancelled


async def test_after_a_cut_the_callers_task_goes_on_uncancelled() -> None:
    client, work = Client(), Work()
    after: list[int] = []

    async def request() -> str:
        outcome = await until_disconnect(work.run(), client.receive, StopSignal(), 5.0)
        task = asyncio.current_task()
        assert task is not None
        after.append(task.cancelling())
        await asyncio.sleep(0.01)  # the caller still records the answer after the cut
        return outcome

    running = asyncio.create_task(request())
    await work.started.wait()
    client.leave()
    assert await asyncio.wait_for(running, 5) == "left"
    assert after == [0]


async def test_an_answer_that_swallows_the_cut_still_reports_it() -> None:
    client, work = Client(), Work(swallow=True)
    running = asyncio.create_task(until_disconnect(work.run(), client.receive, StopSignal(), 5.0))
    await work.started.wait()
    client.leave()
    assert await asyncio.wait_for(running, 5) == "left"
    assert work.cancelled and not running.cancelled()


async def test_a_stop_lets_the_answer_finish_within_the_grace() -> None:
    client, work, stop = Client(), Work(), StopSignal()
    running = asyncio.create_task(until_disconnect(work.run(), client.receive, stop, 5.0))
    await work.started.wait()
    stop.set()
    await asyncio.sleep(0.01)
    assert not running.done()
    work.finish.set()
    assert await asyncio.wait_for(running, 5) == "done"
    assert not work.cancelled


async def test_a_stop_cuts_an_answer_still_running_after_the_grace() -> None:
    client, work, stop = Client(), Work(), StopSignal()
    running = asyncio.create_task(until_disconnect(work.run(), client.receive, stop, 0.05))
    await work.started.wait()
    stop.set()
    assert await asyncio.wait_for(running, 5) == "stopped"
    assert work.cancelled


async def test_an_answer_begun_after_the_stop_gets_the_grace_too() -> None:
    client, work, stop = Client(), Work(), StopSignal()
    stop.set()
    outcome = await asyncio.wait_for(until_disconnect(work.run(), client.receive, stop, 0.05), 5)
    assert outcome == "stopped" and work.cancelled


async def test_the_server_cancelling_the_request_cancels_the_answer() -> None:
    client, work = Client(), Work()
    running = asyncio.create_task(until_disconnect(work.run(), client.receive, StopSignal(), 5.0))
    await work.started.wait()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert work.cancelled
    await asyncio.sleep(0)
    assert client.waiting == 0


async def test_a_server_cancel_during_a_cut_is_not_swallowed() -> None:
    client, work = Client(), Work()
    running = asyncio.create_task(until_disconnect(work.run(), client.receive, StopSignal(), 5.0))
    await work.started.wait()
    client.leave()
    await asyncio.sleep(0)  # the watch sees the client go and cuts the answer
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running


async def test_an_answer_that_fails_raises_to_the_caller() -> None:
    async def failing() -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        await until_disconnect(failing(), Client().receive, StopSignal(), 5.0)


def test_a_stop_calls_each_subscriber_once() -> None:
    stop = StopSignal()
    calls: list[str] = []

    def first() -> None:
        calls.append("first")

    def gone() -> None:
        calls.append("gone")

    stop.subscribe(first)
    stop.subscribe(gone)
    stop.unsubscribe(gone)
    stop.unsubscribe(gone)  # twice: nothing happens
    assert not stop.is_set()
    stop.set()
    stop.set()
    assert stop.is_set() and calls == ["first"]
    stop.subscribe(lambda: calls.append("late"))  # already set: called at once
    assert calls == ["first", "late"]
