"""Emails to a school when a run needs approval or fails: one plain-English message, at most
once a day for the same held changes.

`compose_*` are pure; `SmtpMailer` is the I/O edge (stdlib smtplib), passed in so tests can
point it at a real SMTP server on loopback.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from schoolsync.config import SmtpSettings
from schoolsync.engine.hold_groups import group_holds
from schoolsync.errors import ConfigError
from schoolsync.model.holds import Hold

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str  # "needs_approval" or "failed"
    subject: str
    body: str
    fingerprint: str


class SmtpMailer:
    def __init__(self, settings: SmtpSettings, timeout: float = 30.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def send(self, recipients: Sequence[str], subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = ", ".join(recipients)
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.timeout) as smtp:
            if self.settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.settings.username:
                smtp.login(self.settings.username, self.settings.password or "")
            smtp.send_message(message)


def base_url_from(env: Mapping[str, str]) -> str | None:
    """Where the web app is reached (`SCHOOLSYNC_BASE_URL`), so that an email links to the page
    that resolves it; None when unset (an install without the web app gets the commands)."""
    raw = (env.get("SCHOOLSYNC_BASE_URL") or "").strip()
    if not raw:
        return None
    if not raw.startswith(("http://", "https://")) or raw[-3:] == "://":
        raise ConfigError(
            f"SCHOOLSYNC_BASE_URL must be the web app's address, such as "
            f"https://sync.example.org (got {raw!r})"
        )
    return raw.rstrip("/")


def run_page(base_url: str, school_key: str, run_id: int) -> str:
    return f"{base_url}/schools/{school_key}/runs/{run_id}"


def compose_held(
    school_name: str,
    school_key: str,
    holds: Sequence[Hold],
    applied: int,
    trigger: str = "scheduled",
    page_url: str | None = None,
) -> Alert:
    """`page_url`: the web page where a person sees and approves what waits; without it the
    email names the commands that do."""
    lines = [
        "Hello,",
        "",
        f"{_which_run(trigger, school_name)} found changes that could lose work, "
        "so it is waiting for someone at the school to check them.",
        "",
    ]
    if applied:
        lines += [f"Everything else ({applied} changes) was brought across as usual.", ""]
    lines += ["What is waiting, and why:", ""]
    # One line per rule: at the start of a year one rule can hold hundreds of classes.
    for number, group in enumerate(group_holds(holds), start=1):
        lines.append(f"{number}. {group.summary}")
        [first, *others] = group.holds
        if first.losses and not others:
            lines.append(f"   If you approve this, it will remove: {', '.join(first.losses)}.")
        lines.append("")
    lines += [
        "What to do:",
        "- If these changes are a mistake in your MIS, correct them there. The next sync will "
        "notice and carry on by itself; there is nothing else to do.",
        *(
            [
                "- If they are expected (for example a class that has finished), approve them "
                "here, all at once or one by one (each change that waits is listed):",
                f"  {page_url}",
            ]
            if page_url
            else [
                "- If they are expected (for example a class that has finished), approve them "
                f"with a manual sync: `schoolsync sync {school_key} --manual`, or one by one: "
                f"`schoolsync holds {school_key} --detail` lists each change that waits.",
            ]
        ),
        "",
        "Pupils' own work is never deleted by a sync.",
    ]
    digest = hashlib.sha256("|".join(sorted(h.fingerprint() for h in holds)).encode())
    return Alert(
        kind="needs_approval",
        subject=f"Action needed: {school_name}'s MIS sync is waiting for your approval",
        body="\n".join(lines) + "\n",
        fingerprint=digest.hexdigest()[:32],
    )


def _which_run(trigger: str, school_name: str) -> str:
    """How the email names the run: only the scheduled one ran overnight, unseen."""
    if trigger == "scheduled":
        return f"Last night's sync of {school_name} with your MIS"
    if trigger == "file":
        return f"A file imported for {school_name}"
    return f"A sync of {school_name} with your MIS, started by hand,"


def compose_failed(school_name: str, message: str, page_url: str | None = None) -> Alert:
    """`page_url`: the web page of the failed run, with Start sync one click away."""
    body = (
        "Hello,\n\n"
        f"The sync of {school_name} with your MIS failed, so nothing was changed:\n\n"
        f"  {message}\n\n"
        "If this is about access or permissions, an admin can grant them in the Wonde portal. "
        "Otherwise the next sync will try again by itself.\n"
    )
    if page_url:
        body += f"\nSee this sync, and start another once it is put right:\n  {page_url}\n"
    digest = hashlib.sha256(f"failed|{message}".encode()).hexdigest()[:32]
    return Alert("failed", f"{school_name}'s MIS sync failed", body, digest)


def compose_writeback_failed(
    school_name: str, failures: Sequence[tuple[str, str]], page_url: str | None = None
) -> Alert:
    """`failures`: (what, why) per mark, e.g. ("Arrived late 09:12, Wed 3 Dec (Dentist)",
    "not confirmed by the MIS within 1 h"). Pupils are not named: the log page names them."""
    count = len(failures)
    marks = "attendance mark" if count == 1 else "attendance marks"
    lines = [
        "Hello,",
        "",
        f"{count} {marks} recorded at {school_name}'s reception could not be written to your "
        "MIS, so the register does not show them yet:",
        "",
        *(f"- {what}: {why}" for what, why in failures[:50]),
        *([f"- and {count - 50} more"] if count > 50 else []),
        "",
        "Please enter them in the MIS by hand. They will not be sent again.",
    ]
    if page_url:
        lines += ["", "The write-back log shows which pupils they are for:", f"  {page_url}"]
    else:
        lines += ["", "`schoolsync writebacks KEY` lists them with the pupils' names."]
    digest = hashlib.sha256("|".join(f"{a}|{b}" for a, b in failures).encode()).hexdigest()[:32]
    subject = f"{school_name}: {count} {marks} did not reach the MIS"
    return Alert("writeback_failed", subject, "\n".join(lines) + "\n", digest)


def compose_access_ended(
    school_name: str, state: str, reason: str | None, page_url: str | None = None
) -> Alert:
    """The school took the app's access away (`revoked`) or said no (`declined`): syncing
    stops, and the data already synced stays as it is."""
    what = "declined the request for" if state == "declined" else "revoked"
    lines = [
        "Hello,",
        "",
        f"{school_name} has {what} access to its MIS data through Wonde, so the MIS sync has "
        "stopped. Nothing has been deleted: pupils, staff and classes stay as they were after "
        "the last sync.",
        "",
    ]
    if reason:
        lines += [f"Wonde gave this reason: {reason}", ""]
    lines += [
        "What to do:",
        "- If this was a mistake, ask the school's Wonde admin to approve the app again in the "
        "Wonde portal. The sync starts again by itself once it is approved.",
        "- If the school has stopped using the MIS sync, there is nothing to do.",
    ]
    if page_url:
        lines += ["", f"The school's MIS sync page: {page_url}"]
    digest = hashlib.sha256(f"access|{state}|{school_name}".encode()).hexdigest()[:32]
    subject = f"{school_name}'s MIS sync has stopped: access {state} in Wonde"
    return Alert("access", subject, "\n".join(lines) + "\n", digest)
