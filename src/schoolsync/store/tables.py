"""The tables. SQLAlchemy Core: the sync moves tens of thousands of rows in bulk, and plain
rows are what the planner compares.

Nothing synced is ever deleted: people who leave get `status = 'left'`, classes, groups and
subjects that vanish get `status = 'deleted'`, and every change is written to `changes` with the
values before and after. Only memberships and contact links, which are relations rather than
records, are removed outright (and their removal is recorded too).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_Timestamp = sa.DateTime(timezone=True)

schools = sa.Table(
    "schools",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(40), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("urn", sa.String(20)),
    sa.Column("la_code", sa.String(10)),
    sa.Column("establishment_number", sa.String(10)),
    sa.Column("mis", sa.String(60)),
    sa.Column("phase", sa.String(60)),
    sa.Column("timezone", sa.String(60), nullable=False, server_default="Europe/London"),
    sa.Column("source_kind", sa.String(20), nullable=False),
    sa.Column("wonde_school_id", sa.String(40)),
    sa.Column("api_base_url", sa.String(300)),
    sa.Column("token_encrypted", sa.LargeBinary),
    #: model/connection.py: not_connected, pending, approved, audited, declined, revoked, offline
    sa.Column("connection_state", sa.String(20), nullable=False, server_default="pending"),
    #: the member of staff Wonde contacts to approve the app (the school's request)
    sa.Column("contact_name", sa.String(200)),
    sa.Column("contact_email", sa.String(254)),
    sa.Column("contact_phone", sa.String(40)),
    sa.Column("access_requested_at", _Timestamp),
    #: when the state last changed, and why (a decline or revoke reason from Wonde)
    sa.Column("connection_changed_at", _Timestamp),
    sa.Column("connection_reason", sa.Text),
    #: Wonde said the school moved to another MIS: the next sync re-links everyone
    sa.Column("mis_switch_at", _Timestamp),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("last_full_sync_at", _Timestamp),
    sa.Column("sync_cursor", _Timestamp),
    sa.Column("lock_run_id", sa.Integer),
    sa.Column("lock_taken_at", _Timestamp),
    #: the lease: a running sync renews it; one not renewed for minutes belongs to a dead run
    sa.Column("lock_renewed_at", _Timestamp),
    #: host:pid of the process holding the lock
    sa.Column("lock_owner", sa.String(200)),
    #: when pupils' photos were last read: Wonde refreshes them weekly, so do we
    sa.Column("photos_fetched_at", _Timestamp),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Index("ix_schools_name_id", "name", "id"),
)

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False),
    sa.Column("family", sa.String(10), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("source_id", sa.String(64)),
    sa.Column("mis_id", sa.String(64)),
    sa.Column("upi", sa.String(64)),
    sa.Column("upn", sa.String(20)),
    sa.Column("title", sa.String(40)),
    sa.Column("forename", sa.String(120), nullable=False),
    sa.Column("surname", sa.String(120), nullable=False),
    sa.Column("middle_names", sa.String(200)),
    sa.Column("legal_forename", sa.String(120)),
    sa.Column("legal_middle_names", sa.String(200)),
    sa.Column("legal_surname", sa.String(120)),
    sa.Column("gender", sa.String(12)),
    sa.Column("date_of_birth", sa.Date),
    sa.Column("email", sa.String(254)),
    sa.Column("username", sa.String(254)),
    sa.Column("year_group", sa.String(8)),
    sa.Column("sen_status", sa.String(4)),
    sa.Column("sen_needs", sa.String(200)),
    sa.Column("free_school_meals", sa.Boolean),
    sa.Column("pupil_premium", sa.Boolean),
    sa.Column("english_additional_language", sa.Boolean),
    sa.Column("attendance", sa.String(60)),
    sa.Column("status", sa.String(10), nullable=False, server_default="active"),
    sa.Column("excluded", sa.Boolean, nullable=False, server_default=sa.false()),
    #: who excluded the person from the import, and when (kept while `excluded` holds)
    sa.Column("excluded_by", sa.String(200)),
    sa.Column("excluded_at", _Timestamp),
    sa.Column("left_at", _Timestamp),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Column("updated_at", _Timestamp, nullable=False),
    sa.Index("ix_people_school_family", "school_id", "family"),
    sa.Index("ix_people_school_email", "school_id", "email"),
    sa.Index("ix_people_school_username", "school_id", "username"),
)

subjects = sa.Table(
    "subjects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("source_id", sa.String(64)),
    sa.Column("mis_id", sa.String(64)),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(40)),
    sa.Column("status", sa.String(10), nullable=False, server_default="active"),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Column("updated_at", _Timestamp, nullable=False),
)

classes = sa.Table(
    "classes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("source_id", sa.String(64)),
    sa.Column("mis_id", sa.String(64)),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(60)),
    sa.Column("subject_id", sa.ForeignKey("subjects.id")),
    sa.Column("year_group", sa.String(8)),
    sa.Column("location", sa.String(200)),
    #: the product's own id for a class it had before the MIS link (`import-existing`)
    sa.Column("external_id", sa.String(64)),
    sa.Column("status", sa.String(10), nullable=False, server_default="active"),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Column("updated_at", _Timestamp, nullable=False),
)

groups = sa.Table(
    "groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("source_id", sa.String(64)),
    sa.Column("mis_id", sa.String(64)),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(60)),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("status", sa.String(10), nullable=False, server_default="active"),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Column("updated_at", _Timestamp, nullable=False),
)

class_memberships = sa.Table(
    "class_memberships",
    metadata,
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("class_id", sa.ForeignKey("classes.id"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True),
    sa.Column("role", sa.String(10), primary_key=True),
)

group_memberships = sa.Table(
    "group_memberships",
    metadata,
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("group_id", sa.ForeignKey("groups.id"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True),
    sa.Column("role", sa.String(10), primary_key=True),
)

contact_links = sa.Table(
    "contact_links",
    metadata,
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("pupil_id", sa.ForeignKey("people.id"), primary_key=True),
    sa.Column("contact_id", sa.ForeignKey("people.id"), primary_key=True),
    sa.Column("relationship", sa.String(60)),
    sa.Column("priority", sa.Integer),
    sa.Column("parental_responsibility", sa.Boolean),
    sa.Column("lives_with_pupil", sa.Boolean),
)

sync_runs = sa.Table(
    "sync_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("trigger", sa.String(20), nullable=False),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("mode", sa.String(12), nullable=False),
    sa.Column("status", sa.String(30), nullable=False),
    sa.Column("started_at", _Timestamp, nullable=False),
    sa.Column("finished_at", _Timestamp),
    sa.Column("counts", sa.JSON, nullable=False),
    sa.Column("issue_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("plan_hash", sa.String(64)),
    sa.Column("approved_by", sa.String(200)),
    sa.Column("message", sa.Text),
    #: changes held for approval, per entity and kind (like `counts`)
    sa.Column("held", sa.JSON),
    #: the school's open issues when the run ended (its own, and earlier ones not yet resolved)
    sa.Column("open_issues", sa.Integer),
    sa.Index("ix_sync_runs_school_latest", "school_id", "id"),
)

issues = sa.Table(
    "issues",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("run_id", sa.ForeignKey("sync_runs.id"), nullable=False, index=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False),
    sa.Column("source_id", sa.String(64), nullable=False),
    sa.Column("entity_type", sa.String(20), nullable=False),
    sa.Column("entity_name", sa.String(300), nullable=False),
    sa.Column("mis_id", sa.String(64), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("severity", sa.String(10), nullable=False),
)

#: The school's issues across runs: open until a run reads the record without finding the issue,
#: or learns the record is gone; then resolved, with that run. See `engine/open_issues.py`.
open_issues = sa.Table(
    "open_issues",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False),
    sa.Column("source_id", sa.String(64), nullable=False),
    sa.Column("entity_type", sa.String(20), nullable=False),
    sa.Column("entity_name", sa.String(300), nullable=False),
    sa.Column("mis_id", sa.String(64), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("opened_run_id", sa.ForeignKey("sync_runs.id"), nullable=False),
    sa.Column("last_run_id", sa.ForeignKey("sync_runs.id"), nullable=False),
    sa.Column("resolved_run_id", sa.ForeignKey("sync_runs.id")),
    sa.Column("opened_at", _Timestamp, nullable=False),
    sa.Column("resolved_at", _Timestamp),
    sa.Index("ix_open_issues_school_resolved", "school_id", "resolved_run_id"),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("run_id", sa.ForeignKey("sync_runs.id"), nullable=False, index=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False),
    sa.Column("entity", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("record_id", sa.Integer),
    sa.Column("source_id", sa.String(64)),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
)

holds = sa.Table(
    "holds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("run_id", sa.ForeignKey("sync_runs.id"), nullable=False),
    sa.Column("rule", sa.String(30), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("losses", sa.JSON, nullable=False),
    #: the held changes themselves, so a person can see exactly what waits
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    #: pending, approved (applied by a manual sync) or resolved (the MIS was corrected)
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Column("closed_at", _Timestamp),
    sa.Column("closed_by", sa.String(200)),
)

class_dependents = sa.Table(
    "class_dependents",
    metadata,
    sa.Column("school_id", sa.ForeignKey("schools.id"), primary_key=True),
    sa.Column("class_mis_id", sa.String(64), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("label", sa.String(60), nullable=False),
    sa.Column("updated_at", _Timestamp, nullable=False),
)

notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("run_id", sa.ForeignKey("sync_runs.id")),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("recipients", sa.Text, nullable=False),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("sent_at", _Timestamp, nullable=False),
)

webhook_events = sa.Table(
    "webhook_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    #: sha256 of the payload as received (keys sorted): the same webhook twice is one event
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("payload_type", sa.String(40), nullable=False),
    sa.Column("school_id", sa.ForeignKey("schools.id")),
    #: what it did, in words (never the token)
    sa.Column("outcome", sa.String(200), nullable=False),
    sa.Column("received_at", _Timestamp, nullable=False),
)

# --- the sync queue: what the scheduler and people asked for, and what became of it ----------

sync_jobs = sa.Table(
    "sync_jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False),
    #: scheduled, manual or expedited
    sa.Column("trigger", sa.String(20), nullable=False),
    #: the occasion, unique per school: 'night:2026-12-07' is queued once however often the
    #: scheduler looks; a person's request gets a slot of its own
    sa.Column("slot", sa.String(60), nullable=False),
    sa.Column("full", sa.Boolean, nullable=False, server_default=sa.false()),
    #: queued, running, done or skipped
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("due_at", _Timestamp, nullable=False),
    sa.Column("created_at", _Timestamp, nullable=False),
    #: when it was last sent to the workers through the broker (a job queued again after that,
    #: for later, is sent again when it is due)
    sa.Column("sent_at", _Timestamp),
    sa.Column("started_at", _Timestamp),
    sa.Column("finished_at", _Timestamp),
    #: host:pid of the worker that claimed it
    sa.Column("worker", sa.String(200)),
    #: how many times it was claimed (a job whose worker died is queued again, up to a limit)
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("run_id", sa.ForeignKey("sync_runs.id")),
    #: why it was skipped or what became of it, in words
    sa.Column("reason", sa.Text),
    sa.UniqueConstraint("school_id", "slot", name="uq_sync_jobs_school_slot"),
    sa.Index("ix_sync_jobs_state_due", "state", "due_at"),
)


# The web app's accounts, the first connection's tables, and a school's term dates and pupils'
# photos live in modules of their own; importing them registers them on `metadata` (they need
# `metadata` and `schools` from here, hence the imports at the end).
from schoolsync.store import account_tables as _account_tables  # noqa: E402,F401
from schoolsync.store import context_tables as _context_tables  # noqa: E402,F401
from schoolsync.store import first_connection_tables as _first_connection_tables  # noqa: E402,F401
