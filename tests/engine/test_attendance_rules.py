"""Turning a sign-in into a mark: session, minutes late, L or U, reasons and switched-off codes,
and what is refused. Pure, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from schoolsync.engine.attendance import choices, draft_mark, resolve_reason
from schoolsync.engine.outbox import refused_records, retry_wait
from schoolsync.errors import ConfigError, MarkRefused
from schoolsync.model.attendance import AttendanceCode, AttendanceSetup, Reason
from schoolsync.sandbox.attendance_codes import attendance_codes

CODES = tuple(AttendanceCode(c["id"], c["code"], c["description"]) for c in attendance_codes())
SETUP = AttendanceSetup(codes=CODES, allows_writeback=True)
NOW = dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC)  # 16:00 in London (BST)


def at(hour: int, minute: int) -> dt.datetime:
    """A London time on NOW's day, in UTC."""
    return dt.datetime(2026, 6, 10, hour - 1, minute, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("when", "reason", "session", "late_by", "code"),
    [
        pytest.param(at(8, 55), "L", "AM", 15, "L", id="late-before-close"),
        pytest.param(at(9, 30), "L", "AM", 50, "U", id="after-close-is-U"),
        pytest.param(at(9, 30), "M", "AM", 50, "M", id="other-codes-stay"),
        pytest.param(at(8, 30), "L", "AM", 0, "L", id="before-registers-open"),
        pytest.param(at(13, 20), "L", "PM", 5, "L", id="afternoon"),
        pytest.param(at(14, 0), "L", "PM", 45, "U", id="afternoon-after-close"),
    ],
)
def test_a_late_arrival_gets_its_session_minutes_and_code(
    when: dt.datetime, reason: str, session: str, late_by: int, code: str
) -> None:
    draft = draft_mark(
        SETUP, direction="late", occurred_at=when, now=NOW, zone="Europe/London", reason=reason
    )
    assert (draft.session, draft.minutes_late, draft.code.code) == (session, late_by, code)
    assert draft.date == dt.date(2026, 6, 10)


def test_an_early_leaver_has_no_minutes_late_and_says_when_in_the_comment() -> None:
    setup = AttendanceSetup(codes=CODES, reasons=(Reason("Dentist", "M"),), allows_writeback=True)
    draft = draft_mark(
        setup, direction="early", occurred_at=at(14, 5), now=NOW, zone="Europe/London",
        reason="dentist",
    )  # fmt: skip
    assert (draft.session, draft.minutes_late, draft.code.code) == ("PM", None, "M")
    assert draft.comment == "Left early 14:05: Dentist"


def test_u_is_not_used_when_the_school_switched_it_off() -> None:
    setup = AttendanceSetup(codes=CODES, disabled_codes=frozenset({"U"}), allows_writeback=True)
    draft = draft_mark(
        setup, direction="late", occurred_at=at(9, 30), now=NOW, zone="Europe/London", reason="L"
    )
    assert draft.code.code == "L"


REASONS = (Reason("Dentist", "M"), Reason("Traffic", "L"), Reason("Bus", "Z"))


@pytest.mark.parametrize(
    ("setup", "reason", "refusal"),
    [
        pytest.param(SETUP, " ", "Choose a reason", id="none"),
        pytest.param(
            AttendanceSetup(codes=CODES, reasons=REASONS), "bus",
            "mapped to code 'Z', which the MIS does not have", id="reason-without-mis-code",
        ),
        pytest.param(
            AttendanceSetup(codes=CODES, disabled_codes=frozenset({"M"})), "M",
            "Code 'M' is switched off at this school", id="disabled-code",
        ),
        pytest.param(
            AttendanceSetup(codes=CODES, reasons=REASONS, disabled_codes=frozenset({"M"})),
            "Dentist", "The reason 'Dentist' uses code 'M', which is switched off",
            id="reason-on-a-disabled-code",
        ),
        pytest.param(
            AttendanceSetup(codes=CODES, reasons=REASONS, disable_unused=True), "I",
            "Code 'I' is switched off", id="unused-codes-disabled",
        ),
    ],
)  # fmt: skip
def test_a_reason_that_cannot_be_written_back_is_refused_saying_why(
    setup: AttendanceSetup, reason: str, refusal: str
) -> None:
    with pytest.raises(MarkRefused, match=refusal):
        resolve_reason(setup, reason)


def test_an_unknown_reason_is_a_wrong_value_listing_what_reception_offers() -> None:
    # A typo on the command line (`signin --reason Nonsense`) exits 2, like any wrong value.
    setup = AttendanceSetup(codes=CODES, reasons=REASONS, disable_unused=True)
    with pytest.raises(ConfigError, match="'Q' is not one of this school's reasons") as refused:
        resolve_reason(setup, "Q")
    assert str(refused.value).endswith("choose one of: Dentist, Traffic")


def test_with_unused_codes_disabled_reception_is_offered_only_the_reasons() -> None:
    setup = AttendanceSetup(codes=CODES, reasons=REASONS, disable_unused=True)
    assert [c.label for c in choices(setup)] == ["Dentist", "Traffic"]
    assert len(choices(SETUP)) == len(CODES)


@pytest.mark.parametrize(
    ("setup", "when", "refusal"),
    [
        pytest.param(
            AttendanceSetup(codes=CODES, allows_writeback=False), at(9, 0),
            "does not allow write-back", id="no-write-back",
        ),
        pytest.param(AttendanceSetup(), at(9, 0), "codes have not been read", id="no-codes"),
        pytest.param(SETUP, NOW + dt.timedelta(minutes=30), "in the future", id="future"),
    ],
)  # fmt: skip
def test_marks_that_must_not_be_made_are_refused(
    setup: AttendanceSetup, when: dt.datetime, refusal: str
) -> None:
    with pytest.raises(MarkRefused, match=refusal):
        draft_mark(
            setup, direction="late", occurred_at=when, now=NOW, zone="Europe/London", reason="L"
        )


def test_a_time_in_the_future_is_refused_in_the_school_time_reception_typed() -> None:
    # `signin --at 17:30` in June: the message said "16:30 UTC", an hour off what was typed.
    with pytest.raises(MarkRefused) as refused:
        draft_mark(
            SETUP, direction="late", occurred_at=at(17, 30), now=NOW, zone="Europe/London",
            reason="L",
        )  # fmt: skip
    assert str(refused.value).startswith("17:30 is in the future (it is 16:00 at the school)")


def test_retries_wait_longer_each_time_and_at_least_what_the_server_asked() -> None:
    waits = [retry_wait(n).total_seconds() for n in range(1, 9)]
    assert waits == [5, 10, 20, 40, 80, 160, 300, 300]
    assert retry_wait(1, dt.timedelta(seconds=90)) == dt.timedelta(seconds=90)


def test_a_422_fails_only_the_records_it_names() -> None:
    errors = {"attendance.2.student_id": ["The selected student id is invalid."]}
    assert refused_records(errors, 4) == {2: "The selected student id is invalid."}
    assert refused_records({"attendance": ["Required."]}, 2) == {0: "Required.", 1: "Required."}
