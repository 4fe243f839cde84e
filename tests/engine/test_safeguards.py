"""Safeguards through the real store (SQLite and PostgreSQL): each rule holds what it should,
partial and strict modes, next-day recovery, approval tied to the plan, scope, and email."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet

from schoolsync.alerts import SmtpMailer, SmtpSettings
from schoolsync.engine.digest import plan_digest
from schoolsync.engine.scope import Scope
from schoolsync.notify import email_notifier
from schoolsync.pipeline import Approval, PlanChanged, SyncResult, plan_school, sync_school
from schoolsync.school_settings import SchoolSettings
from schoolsync.store import schools as school_store
from schoolsync.store.holds import pending_holds, set_dependents
from schoolsync.store.tables import class_memberships, classes, people, sync_runs
from tests.builders import pupil, school_class, snapshot, subject, teacher
from tests.conftest import Clock
from tests.engine.test_sync_changes import FakeMis


def school_items(
    pupils: int = 30,
    *,
    drop: set[str] = frozenset(),
    empty: set[str] = frozenset(),
    email_suffix: str = "",
) -> list[Any]:
    ids = [f"P{n}" for n in range(pupils)]
    items: list[Any] = [pupil(i, surname=f"Pupil{i}") for i in ids if i not in drop]
    items += [teacher(f"T{n}", email=f"t{n}{email_suffix}@school.org.uk") for n in range(5)]
    items += [subject("S1", "Mathematics", mis_id="s1"), subject("S2", "History", mis_id="s2")]
    for number, name, subj in [(1, "7A/Ma1", "S1"), (2, "7A/Ma2", "S1"), (3, "7A/Hi1", "S2")]:
        source = f"K{number}"
        if source in drop:
            continue
        members = [] if source in empty else [i for i in ids[number::3] if i not in drop]
        items.append(
            school_class(
                source,
                name,
                students=members,
                teachers=["T1"],
                subject_source_id=subj,
                mis_id=f"m{number}",
            )
        )
    return items


class Scene:
    def __init__(
        self,
        engine: sa.Engine,
        clock: Clock,
        settings: SchoolSettings | None = None,
        notify: Any = None,
    ) -> None:
        self.engine, self.clock, self.mis, self.notify = engine, clock, FakeMis(), notify
        with engine.begin() as conn:
            self.key = school_store.add_school(
                conn,
                name="Larkfield Academy",
                now=clock(),
                secret_key=Fernet.generate_key(),
                settings=settings,
            ).key

    def sync(self, items: list[Any], **kw: Any) -> SyncResult:
        self.mis.snapshot = snapshot(*items)
        self.clock.advance(hours=24)
        return sync_school(
            self.engine,
            self.key,
            self.mis,
            full=True,
            now=self.clock,
            notify=self.notify,
            **{"trigger": "scheduled", **kw},
        )

    def count(self, statement: Any) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(statement).scalar_one())

    def active_pupils(self) -> int:
        return self.count(
            sa.select(sa.func.count())
            .select_from(people)
            .where(people.c.family == "pupil", people.c.status == "active")
        )

    def class_status(self, source_id: str) -> str:
        with self.engine.connect() as conn:
            query = sa.select(classes.c.status).where(classes.c.source_id == source_id)
            return str(conn.execute(query).scalar_one())

    def pupils_in(self, source_id: str) -> int:
        return self.count(
            sa.select(sa.func.count())
            .select_from(class_memberships)
            .join(classes, classes.c.id == class_memberships.c.class_id)
            .where(classes.c.source_id == source_id, class_memberships.c.role == "student")
        )


@pytest.fixture
def scene(engine: sa.Engine, clock: Clock) -> Scene:
    result = Scene(engine, clock)
    assert result.sync(school_items()).status == "success"
    return result


def rules(result: SyncResult) -> list[str]:
    return sorted(h.rule for h in result.holds)


def test_deleted_class_is_held_and_the_rest_applied(scene: Scene) -> None:
    items = [i for i in school_items(drop={"K3"})] + [pupil("NEW", surname="Joiner")]
    result = scene.sync(items)
    assert result.status == "needs_approval"
    assert rules(result) == ["class_gone"]
    [hold] = result.holds
    assert hold.message == (
        "Class '7A/Hi1' is no longer in your MIS. Removing it would remove 9 pupils from the class."
    )
    assert result.counts == {"student": {"create": 1}}  # the safe change went through
    assert scene.class_status("K3") == "active" and scene.pupils_in("K3") == 9


def test_emptied_class_is_held(scene: Scene) -> None:
    result = scene.sync(school_items(empty={"K2"}))
    assert rules(result) == ["class_emptied"]
    assert "had 10 pupils and now has none" in result.holds[0].message
    assert scene.pupils_in("K2") == 10


def test_deleted_subject_holds_its_classes_and_names_the_tasks(scene: Scene) -> None:
    with scene.engine.begin() as conn:
        school = school_store.get_school(conn, scene.key)
        set_dependents(conn, school.id, "m3", 12, "tasks", scene.clock())
    items = [i for i in school_items(drop={"K3"}) if getattr(i, "source_id", "") != "S2"]
    result = scene.sync(items)
    assert rules(result) == ["subject_gone"]
    [hold] = result.holds
    assert "Subject 'History'" in hold.message and "1 class" in hold.message
    assert hold.losses == ("9 pupil places in them", "12 tasks")


def test_mass_leavers_over_the_threshold_are_held(scene: Scene) -> None:
    gone = {f"P{n}" for n in range(0, 30, 2)}  # half the pupils vanish from the export
    result = scene.sync(school_items(drop=gone))
    assert rules(result) == ["mass_pupil_leavers"]
    assert result.holds[0].message.startswith(
        "15 pupils would leave (50% of 30), over the 10% limit"
    )
    assert scene.active_pupils() == 30
    assert "class_membership" not in result.counts  # their class places are held too


def test_a_few_leavers_are_not_major(scene: Scene) -> None:
    result = scene.sync(school_items(drop={"P1", "P2"}))
    assert result.status == "success"
    assert result.counts["student"] == {"leave": 2}


def test_mass_email_changes_are_held(scene: Scene) -> None:
    result = scene.sync(school_items(email_suffix=".new"))
    assert rules(result) == ["mass_email_changes"]
    assert "5 email addresses would change" in result.holds[0].message


def test_thresholds_are_school_settings(engine: sa.Engine, clock: Clock) -> None:
    scene = Scene(engine, clock, SchoolSettings(pupil_leavers_pct=60.0))
    scene.sync(school_items())
    result = scene.sync(school_items(drop={f"P{n}" for n in range(0, 30, 2)}))
    assert result.status == "success"
    assert result.counts["student"] == {"leave": 15}


def test_strict_mode_holds_the_whole_run(engine: sa.Engine, clock: Clock) -> None:
    scene = Scene(engine, clock, SchoolSettings(safeguard_mode="strict"))
    scene.sync(school_items())
    result = scene.sync([*school_items(drop={"K3"}), pupil("NEW", surname="Joiner")])
    assert result.status == "needs_approval"
    assert result.counts == {}
    assert result.held is not None and result.held["student"] == {"create": 1}
    assert scene.active_pupils() == 30


def test_corrected_mis_goes_on_without_approval_and_the_hold_disappears(scene: Scene) -> None:
    held = scene.sync(school_items(drop={"K3"}))
    assert held.status == "needs_approval"
    with scene.engine.connect() as conn:
        school = school_store.get_school(conn, scene.key)
        assert len(pending_holds(conn, school.id)) == 1
    fixed = scene.sync(school_items())
    assert (fixed.status, fixed.counts) == ("success", {})
    with scene.engine.connect() as conn:
        assert pending_holds(conn, school.id) == []


def test_every_night_holds_again_until_someone_acts(scene: Scene) -> None:
    items = school_items(drop={"K3"})
    assert scene.sync(items).status == "needs_approval"
    assert scene.sync(items).status == "needs_approval"
    assert scene.class_status("K3") == "active"


def test_approval_applies_exactly_the_plan_shown(scene: Scene) -> None:
    items = school_items(drop={"K3"})
    scene.sync(items)
    scene.mis.snapshot = snapshot(*items)
    shown = plan_school(scene.engine, scene.key, scene.mis, full=True, now=scene.clock)
    result = sync_school(
        scene.engine,
        scene.key,
        scene.mis,
        now=scene.clock,
        trigger="manual",
        approval=Approval(plan_digest(shown.plan), "Mrs Data Manager"),
    )
    assert result.status == "success"
    assert result.counts["class"] == {"delete": 1}
    assert scene.class_status("K3") == "deleted"
    with scene.engine.connect() as conn:
        run = conn.execute(sa.select(sync_runs).where(sync_runs.c.id == result.run_id)).one()
        school = school_store.get_school(conn, scene.key)
        assert pending_holds(conn, school.id) == []
    assert (run.approved_by, run.plan_hash, run.trigger) == (
        "Mrs Data Manager",
        plan_digest(shown.plan),
        "manual",
    )


def test_approval_of_a_stale_plan_applies_nothing(scene: Scene) -> None:
    items = school_items(drop={"K3"})
    scene.mis.snapshot = snapshot(*items)
    shown = plan_school(scene.engine, scene.key, scene.mis, full=True, now=scene.clock)
    scene.mis.snapshot = snapshot(*items, pupil("LATE", surname="Arrival"))  # the MIS moved on
    with pytest.raises(PlanChanged):
        sync_school(
            scene.engine,
            scene.key,
            scene.mis,
            now=scene.clock,
            approval=Approval(plan_digest(shown.plan), "Mrs Data Manager"),
        )
    assert scene.class_status("K3") == "active"
    assert scene.active_pupils() == 30


def test_scope_chosen_in_a_manual_sync_persists(scene: Scene) -> None:
    items = school_items()
    scope = Scope(frozenset({"S1"}), frozenset({"K1"}), frozenset({"K1", "K2", "K3"}))
    scene.mis.snapshot = snapshot(*items)
    shown = plan_school(scene.engine, scene.key, scene.mis, scope=scope, now=scene.clock)
    result = sync_school(
        scene.engine,
        scene.key,
        scene.mis,
        now=scene.clock,
        approval=Approval(plan_digest(shown.plan), "Head of Maths", scope),
    )
    assert result.counts["class"] == {"delete": 2}  # K2 unticked, K3's subject removed
    assert result.counts["subject"] == {"delete": 1}
    # Autosync respects the scope: nothing comes back, nothing is held.
    again = scene.sync(
        [*items, school_class("K4", "7A/Ma4", students=["P1"], subject_source_id="S1")]
    )
    assert again.status == "success"
    assert again.counts == {"class": {"create": 1}, "class_membership": {"add": 1}}
    assert scene.class_status("K2") == "deleted"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its own server on start
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_held_run_emails_the_school_once_a_day(
    engine: sa.Engine, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port, sender="sync@vendor.example"))
    settings = SchoolSettings(alert_emails=("head@school.org.uk", "data@school.org.uk"))
    scene = Scene(engine, clock, settings, email_notifier(engine, mailer, now=clock))
    scene.sync(school_items())
    with engine.begin() as conn:
        school = school_store.get_school(conn, scene.key)
        set_dependents(conn, school.id, "m3", 5, "tasks", clock())
    assert handler.messages == []

    items = school_items(drop={"K3"})
    scene.sync(items)
    [message] = handler.messages
    assert message["To"] == "head@school.org.uk, data@school.org.uk"
    assert "waiting for your approval" in message["Subject"]
    body = message.get_payload()
    assert "Class '7A/Hi1' is no longer in your MIS" in body
    assert "it will remove: 9 pupils from the class, 5 tasks" in body
    assert "correct them there" in body and "--manual" in body
    assert body.count("Last night's sync of Larkfield Academy") == 1  # a scheduled run

    scene.clock.advance(hours=-23)  # the next run, within the same day
    scene.sync(items)
    assert len(handler.messages) == 1
    scene.sync(items)  # a day later: the same held changes are worth one more reminder
    assert len(handler.messages) == 2


def test_failed_run_emails_too(engine: sa.Engine, clock: Clock, inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port))
    scene = Scene(
        engine,
        clock,
        SchoolSettings(alert_emails=("head@school.org.uk",)),
        email_notifier(engine, mailer, now=clock),
    )

    def broken(*_: Any) -> Any:
        from schoolsync.errors import SourceAuthError

        raise SourceAuthError("The school has not granted the 'students.read' permission")

    clock.advance(hours=1)
    result = sync_school(engine, scene.key, broken, now=clock, notify=scene.notify)
    assert result.status == "failed"
    [message] = handler.messages
    assert "failed" in message["Subject"]
    assert "students.read" in message.get_payload()


def test_a_held_run_started_by_hand_is_not_called_last_nights(
    engine: sa.Engine, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port))
    settings = SchoolSettings(alert_emails=("head@school.org.uk",))
    scene = Scene(engine, clock, settings, email_notifier(engine, mailer, now=clock))
    scene.sync(school_items())
    assert scene.sync(school_items(drop={"K3"}), trigger="manual").status == "needs_approval"
    [message] = handler.messages
    body = message.get_payload()
    assert "Last night" not in body
    assert "A sync of Larkfield Academy with your MIS, started by hand, found changes" in body


def test_no_email_without_alert_contacts(
    engine: sa.Engine, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port))
    scene = Scene(engine, clock, notify=email_notifier(engine, mailer, now=clock))
    assert scene.sync(school_items()).status == "success"
    held = scene.sync(school_items(drop={"K3"}))
    # the run did need a person (so a school with contacts would be emailed); nobody to tell
    assert held.status == "needs_approval"
    assert [h.rule for h in held.holds] == ["class_gone"]
    assert handler.messages == []


def test_pupil_records_are_never_deleted(scene: Scene) -> None:
    result = scene.sync(school_items(drop={"P1", "P2"}))
    assert result.status == "success"
    assert result.counts["student"] == {"leave": 2}
    total = scene.count(
        sa.select(sa.func.count()).select_from(people).where(people.c.family == "pupil")
    )
    assert total == 30  # the two leavers are kept, marked left
    left = scene.count(
        sa.select(sa.func.count())
        .select_from(people)
        .where(people.c.family == "pupil", people.c.status == "left")
    )
    assert left == 2
    assert scene.active_pupils() == 28
