"""Signing pupils in and out against a school synced from the sandbox: what is refused is
refused before anything is stored, with a message saying why."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from schoolsync.errors import ConfigError, MarkRefused
from schoolsync.sandbox import DEMO_SCHOOL_ID
from schoolsync.services import attendance
from schoolsync.store.tables import people

from .helpers import TOKEN, Scene


def test_a_disabled_code_is_refused_and_nothing_reaches_the_outbox_or_the_mis(
    scene: Scene,
) -> None:
    attendance.configure(
        scene.engine, scene.key, scene.clock(), reasons=["Dentist=M", "Traffic=L"],
        disable_unused=True,
    )  # fmt: skip
    [pupil] = scene.pupils(1)
    with pytest.raises(MarkRefused, match="Code 'I' is switched off at this school"):
        scene.sign_in(pupil, reason="I")
    attendance.configure(scene.engine, scene.key, scene.clock(), disable_codes=["M"])
    with pytest.raises(MarkRefused, match="The reason 'Dentist' uses code 'M', which is switched"):
        scene.sign_in(pupil, reason="Dentist")
    assert scene.marks() == []
    signed = scene.sign_in(pupil, reason="traffic")
    assert (signed.draft.reason, signed.draft.code.code) == ("Traffic", "L")
    scene.send_until(scene.all("confirmed"))
    assert len(scene.received()["data"]) == 1


def test_a_reason_needs_a_code_and_session_times_run_in_order(scene: Scene) -> None:
    with pytest.raises(ConfigError, match="LABEL=CODE"):
        attendance.configure(scene.engine, scene.key, scene.clock(), reasons=["Dentist"])
    with pytest.raises(ConfigError, match="run in order"):
        attendance.configure(scene.engine, scene.key, scene.clock(), times={"am_close": "14:00"})
    with pytest.raises(ConfigError, match="HH:MM"):
        attendance.configure(scene.engine, scene.key, scene.clock(), times={"pm_start": "1pm"})
    assert attendance.setup_of(scene.engine, scene.key).setup.reasons == ()


def test_a_pupil_who_has_left_or_is_unknown_is_refused(scene: Scene) -> None:
    [pupil] = scene.pupils(1)
    with scene.engine.begin() as conn:
        conn.execute(sa.update(people).where(people.c.mis_id == pupil).values(status="left"))
    with pytest.raises(MarkRefused, match="has left the school"):
        scene.sign_in(pupil)
    with pytest.raises(MarkRefused, match="No pupil at this school has the MIS id"):
        scene.sign_in("no-such-pupil")
    assert scene.marks() == []


def test_a_future_time_is_refused(scene: Scene) -> None:
    with pytest.raises(MarkRefused, match="in the future"):
        scene.sign_in(scene.pupils(1)[0], at="11:30")
    assert scene.marks() == []


def test_a_school_whose_mis_does_not_allow_write_back_is_told_at_sign_in(scene: Scene) -> None:
    httpx.post(
        f"{scene.control}schools/{DEMO_SCHOOL_ID}/writebacks",
        json={"allows_writeback": False},
        headers={"Authorization": f"Bearer {TOKEN}"},
    ).raise_for_status()
    attendance.refresh_codes(scene.engine, scene.settings, scene.key, scene.clock())
    with pytest.raises(MarkRefused, match="does not allow write-back"):
        scene.sign_in(scene.pupils(1)[0])
    assert scene.marks() == []
