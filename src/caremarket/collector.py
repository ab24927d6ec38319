"""Pausing Python's cyclic garbage collector around work that makes a great many objects in no
cycles that matter: a payment run (a county's records, planned visits and lines, about a
million objects) and a simulation replication (hundreds of thousands of states, offers and
events that reference counting frees). The collector's passes over such a growing heap took a
fifth of their time; whatever cycles arise are collected once it runs again.

The collector is one for the whole process, and in the server a payment run (a request) and a
simulation run (a worker thread) can overlap: pauses are counted, and the collector runs again
only when the last one ends, and only if it was running before the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = [0, False]  # pauses under way; whether the collector ran before the first


@contextmanager
def collection_paused() -> Iterator[None]:
    with _lock:
        if _pauses[0] == 0:
            _pauses[1] = gc.isenabled()
            gc.disable()
        _pauses[0] += 1
    try:
        yield
    finally:
        with _lock:
            _pauses[0] -= 1
            if _pauses[0] == 0 and _pauses[1]:
                gc.enable()
