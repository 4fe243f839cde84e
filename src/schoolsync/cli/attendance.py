"""`schoolsync signin`, `writebacks` and `attendance`: late arrivals and early leavers written
back to the MIS, the log of marks, and a school's attendance settings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from schoolsync.cli.common import app, fail, now, open_store, out
from schoolsync.cli.exit_codes import ExitCode
from schoolsync.config import environment, operator

STATUS_STYLE = {"queued": "yellow", "sent": "cyan", "confirmed": "green", "failed": "red"}


@app.command("signin")
def signin(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    pupil: Annotated[str, typer.Argument(help="The pupil's MIS id, UPN or username.")],
    late: Annotated[bool, typer.Option("--late", help="The pupil arrived late.")] = False,
    early: Annotated[bool, typer.Option("--early", help="The pupil left early.")] = False,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="A reason of the school's, or an MIS attendance code letter."
        ),
    ] = "",
    at: Annotated[
        str | None, typer.Option("--at", help="When, today, as HH:MM (school time); default: now.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Record a pupil arriving late or leaving early; the mark is written back to the MIS."""
    from schoolsync.services.attendance import sign_in, signed_json

    if late == early:
        fail("Say --late (arrived late) or --early (left early)", ExitCode.USAGE, as_json=as_json)
    with open_store(as_json=as_json) as (settings, engine):
        signed = sign_in(
            engine, settings, school, pupil=pupil, direction="late" if late else "early",
            reason=reason, at=at, now=now(), by=operator(environment()) or "command line",
        )  # fmt: skip
    draft = signed.draft
    if as_json:
        print(json.dumps(signed_json(signed)))
        return
    what = "arrived late" if draft.direction == "late" else "left early"
    late_by = f", {draft.minutes_late} min late" if draft.minutes_late is not None else ""
    out.print(
        f"{signed.pupil} {what} ({draft.session}{late_by}): code {draft.code.code}, "
        f"reason {draft.reason}. Mark {signed.mark_id} is queued for the MIS."
    )
    for note in draft.notes:
        out.print(note)


@app.command("writebacks")
def writebacks(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    send: Annotated[
        bool, typer.Option("--send", help="Send what is due to the MIS once, then list.")
    ] = False,
    status: Annotated[
        str | None, typer.Option(help="Only marks with this status (queued, sent, ...).")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many marks, newest first.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Late arrivals and early leavers written back to the MIS, with their status: queued,
    sent, confirmed or failed (with the reason)."""
    from rich.markup import escape
    from rich.table import Table

    from schoolsync.services.attendance import log, mark_json
    from schoolsync.services.writeback_sender import mailer_for, send_due

    report = None
    with open_store(as_json=as_json) as (settings, engine):
        if send:
            report = send_due(engine, settings, mailer=mailer_for(settings), school_key=school)
        record, rows = log(engine, school, limit=limit, status=status)
    if as_json:
        body: object = [mark_json(r) for r in rows]
        if report is not None:
            body = {"sent": report.as_json(), "marks": body}
        print(json.dumps(body))
        return
    if report is not None:
        out.print(
            f"Sent {report.sent}, confirmed {report.confirmed}, to retry {report.retrying}, "
            f"failed {report.failed}."
        )
    if not rows:
        out.print(f"No late arrivals or early leavers recorded for {record.name} yet.")
        return
    table = Table("Mark", "Pupil", "When", "Session", "Reason", "Status", title=record.name)
    for row in rows:
        late = f", {row.minutes_late} min late" if row.minutes_late is not None else ""
        what = "late" if row.direction == "late" else "left early"
        state = f"[{STATUS_STYLE.get(row.status, 'white')}]{row.status}[/]"
        clock = _school_time(row.occurred_at, record.timezone)
        if row.last_error and row.status in ("failed", "queued"):
            state += f"\n{escape(row.last_error)}"
        table.add_row(
            str(row.id), escape(row.pupil), f"{row.mark_date} {clock} {what}{late}", row.session,
            f"{escape(row.reason)} ({escape(row.code)})", state,
        )  # fmt: skip
    out.print(table)


def _school_time(moment: dt.datetime, zone: str) -> str:
    """A mark's time as reception saw the clock (marks are stored in UTC)."""
    from zoneinfo import ZoneInfo

    return f"{moment.replace(tzinfo=moment.tzinfo or dt.UTC).astimezone(ZoneInfo(zone)):%H:%M}"


@app.command("attendance")
def attendance_settings(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Read the MIS's attendance codes again.")
    ] = False,
    reason: Annotated[
        list[str] | None,
        typer.Option(
            "--reason",
            help="A reason as LABEL=CODE, e.g. Dentist=M (repeatable; replaces the list).",
        ),
    ] = None,
    no_reasons: Annotated[
        bool, typer.Option("--no-reasons", help="Remove the school's own reasons.")
    ] = False,
    disable_unused: Annotated[
        bool | None,
        typer.Option(
            "--disable-unused/--all-codes",
            help="Switch off every code no reason uses (or offer them all again).",
        ),
    ] = None,
    disable_code: Annotated[
        list[str] | None, typer.Option("--disable-code", help="Switch a code off (repeatable).")
    ] = None,
    enable_code: Annotated[
        list[str] | None, typer.Option("--enable-code", help="Switch a code on (repeatable).")
    ] = None,
    am_start: Annotated[str | None, typer.Option(help="Morning registers open, HH:MM.")] = None,
    am_close: Annotated[str | None, typer.Option(help="Morning registers close.")] = None,
    pm_start: Annotated[str | None, typer.Option(help="Afternoon registers open.")] = None,
    pm_close: Annotated[str | None, typer.Option(help="Afternoon registers close.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The school's session times, reasons and attendance codes for write-back; options
    change them."""
    from schoolsync.services import attendance

    times = {
        name: value
        for name, value in (("am_start", am_start), ("am_close", am_close),
                            ("pm_start", pm_start), ("pm_close", pm_close))
        if value is not None
    }  # fmt: skip
    with open_store(as_json=as_json) as (settings, engine):
        moment = now()
        if refresh:
            attendance.refresh_codes(engine, settings, school, moment)
        if (
            times
            or reason
            or no_reasons
            or disable_unused is not None
            or disable_code
            or enable_code
        ):
            attendance.configure(
                engine, school, moment, times=times,
                reasons=[] if no_reasons else reason, disable_unused=disable_unused,
                disable_codes=disable_code or [], enable_codes=enable_code or [],
            )  # fmt: skip
        shown = attendance.setup_of(engine, school)
    setup = shown.setup
    if as_json:
        print(json.dumps(attendance.reception_json(shown)))
        return
    t = setup.times
    out.print(f"Attendance write-back for {shown.school.name}")
    out.print(
        f"Registers: morning {t.am_start:%H:%M}-{t.am_close:%H:%M}, "
        f"afternoon {t.pm_start:%H:%M}-{t.pm_close:%H:%M}"
    )
    if setup.allows_writeback is False:
        out.print("[red]The MIS does not allow write-back.[/red]")
    if not setup.codes:
        out.print("The MIS's codes have not been read yet: --refresh reads them.")
    for reason_ in setup.reasons:
        out.print(f"Reason: {reason_.label} = {reason_.code}")
    off = [c.code for c in setup.codes if not setup.enabled(c.code)]
    if off:
        out.print(f"Switched off: {' '.join(off)}")
    out.print("Reception offers: " + "; ".join(c.label for c in shown.choices))
