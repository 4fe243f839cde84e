"""Playing the school's part in a running sandbox: approve, decline or revoke the application's
access, or move the school to another MIS. Each sends Wonde's matching webhook."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from schoolsync.cli.common import fail, out, sandbox_app
from schoolsync.cli.exit_codes import ExitCode
from schoolsync.cli.sandbox import post_control

DECISIONS = ("approve", "decline", "revoke")

SandboxUrl = Annotated[str, typer.Option("--url", help="The running sandbox's API base.")]
SchoolId = Annotated[str, typer.Option("--school", help="The sandbox school's Wonde id.")]
Token = Annotated[str, typer.Option("--token", help="The application's sandbox token.")]


@sandbox_app.command("access")
def sandbox_access(
    decision: Annotated[str, typer.Argument(help="approve, decline or revoke.")],
    url: SandboxUrl = "http://127.0.0.1:8765/v1.0/",
    school: SchoolId = "A1930499544",
    token: Token = "sandbox-token",
    reason: Annotated[str, typer.Option(help="The reason the webhook gives.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Answer the application's request as the school would, and send the webhook."""
    if decision not in DECISIONS:
        fail(f"choose one of {', '.join(DECISIONS)}, not {decision!r}", ExitCode.USAGE)
    body = {"decision": decision, "reason": reason}
    answer = post_control(url, token, f"schools/{school}/access", body)
    if as_json:
        print(json.dumps(answer))
        return
    sent = answer.get("webhook_status")
    delivery = "no webhook URL is set" if sent is None else f"the webhook was answered {sent}"
    out.print(f"School {school} is now {answer.get('state')}; {delivery}.")


@sandbox_app.command("mis-switch")
def sandbox_mis_switch(
    to: Annotated[str, typer.Option("--to", help="The new MIS, e.g. Arbor.")] = "Arbor",
    unlinkable_classes: Annotated[
        int,
        typer.Option(help="How many classes the new MIS renames (they cannot be re-linked)."),
    ] = 0,
    url: SandboxUrl = "http://127.0.0.1:8765/v1.0/",
    school: SchoolId = "A1930499544",
    token: Token = "sandbox-token",
    seed: Annotated[int, typer.Option(help="Seed of the new ids.")] = 1,
) -> None:
    """Move the school to another MIS: every id is re-issued; UPIs and UPNs stay."""
    body = {"to": to, "unlinkable_classes": unlinkable_classes, "seed": seed}
    answer = post_control(url, token, f"schools/{school}/mis-switch", body)
    out.print(
        f"School {school} moved from {answer['migrate_from']} to {answer['migrate_to']}: "
        f"{answer['reissued']} records have new ids."
    )
