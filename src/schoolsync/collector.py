"""Python's cyclic garbage collector, paused while a sync builds and writes a school's data.

A first sync of a 2,000-pupil school holds ~500,000 live objects (the source's JSON, the
snapshot, the plan), and the collector walks all of them again each time the heap has grown by a
quarter: about a quarter of the sync's time, for objects that are all still in use. Reference
counting frees almost everything a sync drops; only reference cycles wait for the collector.

So the collector is off for the run. Pauses nest and may overlap across threads: the collector
comes back on when the last one ends (and only if it was on before the first began), and then
collects as usual. A run that ends while another still holds it off collects its own cycles
there and then, so memory stays bounded by one run however long runs keep overlapping.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            others = _pauses > 0
            if not others and _was_enabled:
                gc.enable()
        if others:
            # Outside the lock: a collection may run finalizers, which may pause it themselves.
            gc.collect()
