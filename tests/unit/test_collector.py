"""The collector's pauses: counted, so a payment run and a simulation run overlapping in the
server's threads leave the collector paused until the last ends, and as it was before."""

from __future__ import annotations

import gc
import threading

from caremarket.collector import collection_paused


def test_the_collector_runs_again_only_when_the_last_overlapping_pause_ends() -> None:
    assert gc.isenabled()
    first_in, second_done = threading.Event(), threading.Event()
    seen = []

    def payment_run() -> None:
        with collection_paused():
            first_in.set()
            second_done.wait(5)
            seen.append(("after the other ended", gc.isenabled()))

    thread = threading.Thread(target=payment_run)
    thread.start()
    first_in.wait(5)
    with collection_paused():
        seen.append(("both under way", gc.isenabled()))
    second_done.set()
    thread.join(5)

    assert seen == [("both under way", False), ("after the other ended", False)]
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
