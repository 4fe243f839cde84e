"""Fault injection: make the next N matching requests fail the way real APIs fail.

Faults queue in order; each request takes (and uses up one firing of) the first queued fault
whose path pattern matches. An offline school is a state rather than a queued fault: it stays
offline until set online again.

Kinds:
- "429": Too Many Requests with `Retry-After: <retry_after>`.
- "500", "502", "503": server errors with a JSON body.
- "slow": wait `ms` milliseconds, then answer normally.
- "slow_answer": do the work at once, then wait `ms` milliseconds before answering: a write
  made but not yet acknowledged, the window a client can crash or time out in.
- "malformed": answer 200 with the real body cut off half way (not valid JSON).
Over HTTP, `{"kind": "offline", "school_id": ...}` (and "online") switch a school's state.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = ("429", "500", "502", "503", "slow", "slow_answer", "malformed")


@dataclass
class Fault:
    kind: str
    count: int = 1
    # A regular expression searched for in the request path; None matches every request.
    path: str | None = None
    retry_after: int = 1
    ms: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {self.kind!r}; valid kinds: {', '.join(FAULT_KINDS)}"
            )
        if self.count < 1:
            raise ValueError("a fault must fire at least once")
        if self.path is not None:
            re.compile(self.path)

    @property
    def status(self) -> int | None:
        """The HTTP status this fault answers with, or None if it lets the request through."""
        return int(self.kind) if self.kind.isdigit() else None

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "path": self.path,
            "retry_after": self.retry_after,
            "ms": self.ms,
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Fault:
        """Build from a control-endpoint body; ValueError on anything unexpected."""
        unknown = set(body) - {"kind", "count", "path", "retry_after", "ms"}
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        try:
            return cls(
                kind=str(body.get("kind")),
                count=int(body.get("count", 1)),
                path=None if body.get("path") is None else str(body["path"]),
                retry_after=int(body.get("retry_after", 1)),
                ms=int(body.get("ms", 0)),
            )
        except (TypeError, re.error) as error:
            raise ValueError(str(error)) from error


@dataclass
class FaultPlan:
    """Thread-safe: tests queue faults from their own thread while the server takes them."""

    queued: list[Fault] = field(default_factory=list)
    offline: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.queued.append(fault)
        return fault

    def take(self, path: str) -> Fault | None:
        """The fault this request should suffer, if any, using up one of its firings."""
        with self._lock:
            for index, fault in enumerate(self.queued):
                if fault.path is None or re.search(fault.path, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        del self.queued[index]
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self.queued.clear()
            self.offline.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.describe() for fault in self.queued]

    # Shorthands for tests in the same process.

    def rate_limit(self, count: int = 1, retry_after: int = 1, path: str | None = None) -> Fault:
        return self.add(Fault("429", count=count, path=path, retry_after=retry_after))

    def server_error(self, status: int = 500, count: int = 1, path: str | None = None) -> Fault:
        return self.add(Fault(str(status), count=count, path=path))

    def slow(self, ms: int, count: int = 1, path: str | None = None) -> Fault:
        return self.add(Fault("slow", count=count, path=path, ms=ms))

    def slow_answer(self, ms: int, count: int = 1, path: str | None = None) -> Fault:
        return self.add(Fault("slow_answer", count=count, path=path, ms=ms))

    def malformed(self, count: int = 1, path: str | None = None) -> Fault:
        return self.add(Fault("malformed", count=count, path=path))

    def set_offline(self, school_id: str, offline: bool = True) -> None:
        with self._lock:
            if offline:
                self.offline.add(school_id)
            else:
                self.offline.discard(school_id)

    def is_offline(self, school_id: str) -> bool:
        return school_id in self.offline
