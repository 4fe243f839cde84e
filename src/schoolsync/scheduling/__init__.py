"""When each school syncs: the pure decision (values and a clock reading in, values out).

    Window.parse("01:00-05:00")            a span of local time, possibly across midnight
    decide(rules, now, taken)              the slots due now, the next one, and why
    queue_order(trigger, due_at, job_id)   manual and expedited runs first

No database and no clock of its own: `jobs/` reads the schools and the queue, asks here, and
writes what was decided.
"""

from schoolsync.scheduling.decide import (
    CATCH_UP,
    Decision,
    Rules,
    Slot,
    decide,
    queue_order,
    tonight,
)
from schoolsync.scheduling.windows import Window

__all__ = ["CATCH_UP", "Decision", "Rules", "Slot", "Window", "decide", "queue_order", "tonight"]
