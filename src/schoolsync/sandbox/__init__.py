"""A Wonde-compatible sandbox: generated UK schools served over HTTP, with MIS changes and faults.

sandbox = Sandbox.demo()                      # one 2,000-pupil school, token "sandbox-token"
with running_sandbox(sandbox) as base_url:    # http://127.0.0.1:PORT/v1.0/
    ...
apply_change(sandbox.schools["A1930499544"], "leaver", random.Random(1))
box = fleet(200, pupils=mixed_sizes)          # many schools, one token (`fleet.py`)
"""

from schoolsync.sandbox.changes import CHANGE_KINDS, apply_change, apply_random_changes
from schoolsync.sandbox.faults import Fault, FaultPlan
from schoolsync.sandbox.fleet import fleet, fleet_ids, fleet_school_id, mixed_sizes
from schoolsync.sandbox.generator import generate_school
from schoolsync.sandbox.registry import DEMO_SCHOOL_ID, DEMO_TOKEN, Sandbox
from schoolsync.sandbox.server import create_app, running_sandbox, serve
from schoolsync.sandbox.state import SandboxSchool

__all__ = [
    "CHANGE_KINDS",
    "DEMO_SCHOOL_ID",
    "DEMO_TOKEN",
    "Fault",
    "FaultPlan",
    "Sandbox",
    "SandboxSchool",
    "apply_change",
    "apply_random_changes",
    "create_app",
    "fleet",
    "fleet_ids",
    "fleet_school_id",
    "generate_school",
    "mixed_sizes",
    "running_sandbox",
    "serve",
]
