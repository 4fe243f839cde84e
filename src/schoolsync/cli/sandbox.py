"""The sandbox Wonde server (`schoolsync serve`, the web app, is in `runners.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from schoolsync.cli.common import (
    err,
    fail,
    out,
    sandbox_app,
)
from schoolsync.cli.exit_codes import ExitCode

#: What `sandbox change` can do; the same list as `schoolsync.sandbox.CHANGE_KINDS` (a test
#: checks), written out so that `--help` does not import the sandbox server.
CHANGE_KINDS = (
    "new_joiner",
    "leaver",
    "class_move",
    "rename",
    "email_change",
    "year_group_change",
    "emptied_class",
    "deleted_class",
    "deleted_subject",
    "teacher_leaver",
    "start_of_year",
    "mass_leaver_accident",
    "mis_corrected",
)


def refuse_busy_port(host: str, port: int) -> None:
    """Say plainly that the port is taken, before the server prints a raw bind error."""
    import socket

    with socket.socket() as probe:
        # As the server will: a port left in TIME_WAIT by a stopped server is free to use.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} (is a server already "
                "running there? --port chooses another)",
                ExitCode.USAGE,
            )


# --- sandbox and demo --------------------------------------------------------------------


@sandbox_app.command("serve")
def sandbox_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
    seed: Annotated[int, typer.Option(help="Seed of the generated school.")] = 1,
    pupils: Annotated[int, typer.Option(help="How many pupils.")] = 2000,
    token: Annotated[str, typer.Option(help="The API token clients must send.")] = "sandbox-token",
    fleet: Annotated[
        int,
        typer.Option(
            help="Serve this many schools instead (60% primaries of 150-450 pupils, 40% "
            "secondaries of 800-2,000); --pupils is then ignored."
        ),
    ] = 0,
    unapproved: Annotated[
        bool,
        typer.Option(
            "--unapproved",
            help="The school has not approved the application yet: request access first.",
        ),
    ] = False,
    webhook_url: Annotated[
        str | None,
        typer.Option(
            "--webhook-url",
            help="Where to send Wonde's webhooks, e.g. http://127.0.0.1:8000/webhooks/wonde.",
        ),
    ] = None,
) -> None:
    """Serve a generated school (or a fleet of them) over a Wonde-compatible API until stopped."""
    from schoolsync.sandbox import Sandbox, serve

    refuse_busy_port("127.0.0.1", port)
    if fleet > 0:
        from schoolsync.sandbox.fleet import fleet as generate_fleet
        from schoolsync.sandbox.fleet import mixed_sizes

        sandbox = generate_fleet(fleet, seed=seed, pupils=mixed_sizes, token=token)
        total = sum(len(school.students) for school in sandbox.schools.values())
        out.print(f"{fleet} schools, {total} pupils (GET /v1.0/schools lists them)")
    else:
        sandbox = Sandbox.demo(seed=seed, pupils=pupils, token=token, approved=not unapproved)
        for school_id, school in sandbox.schools.items():
            waiting = " (not approved yet: request access)" if unapproved else ""
            out.print(f"School {school_id}: {school.name} ({len(school.students)} pupils){waiting}")
    sandbox.webhook_url = webhook_url
    out.print(f"Wonde-compatible API on http://127.0.0.1:{port}/v1.0/ (Ctrl+C stops it)")
    serve(sandbox, "127.0.0.1", port)


@sandbox_app.command("change")
def sandbox_change(
    kind: Annotated[
        str,
        typer.Argument(help=f"One of: {', '.join(CHANGE_KINDS)}; or 'random'."),
    ],
    count: Annotated[int, typer.Option(help="How many changes.")] = 1,
    url: Annotated[
        str, typer.Option(help="The running sandbox's API base.")
    ] = "http://127.0.0.1:8765/v1.0/",
    school: Annotated[str, typer.Option(help="The sandbox school's Wonde id.")] = "A1930499544",
    token: Annotated[str, typer.Option(help="The sandbox's token.")] = "sandbox-token",
    seed: Annotated[int, typer.Option(help="Seed for 'random'.")] = 1,
) -> None:
    """Make day-to-day MIS changes in a running sandbox, so the next sync has news."""
    import httpx

    if kind != "random" and kind not in CHANGE_KINDS:
        fail(
            f"unknown change kind {kind!r}; choose one of {', '.join(CHANGE_KINDS)}, or random",
            ExitCode.USAGE,
        )
    body: dict[str, Any] = (
        {"random": count, "seed": seed} if kind == "random" else {"kind": kind, "count": count}
    )
    root = url.split("/v1.0", 1)[0]
    try:
        response = httpx.post(
            f"{root}/sandbox/schools/{school}/changes",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
    except httpx.HTTPError as exc:
        err.print(f"[red]Error:[/red] no sandbox answered at {root} ({type(exc).__name__})")
        raise typer.Exit(ExitCode.FAILED) from exc
    if not response.is_success:
        fail(f"the sandbox refused the change: {_sandbox_error(response)}", ExitCode.FAILED)
    for description in response.json().get("applied", []):
        out.print(f"- {description}")


def post_control(url: str, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST to a running sandbox's control endpoint; a clear error when it cannot."""
    import httpx

    root = url.split("/v1.0", 1)[0]
    try:
        response = httpx.post(
            f"{root}/sandbox/{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
    except httpx.HTTPError as exc:
        err.print(f"[red]Error:[/red] no sandbox answered at {root} ({type(exc).__name__})")
        raise typer.Exit(ExitCode.FAILED) from exc
    if not response.is_success:
        fail(f"the sandbox refused: {_sandbox_error(response)}", ExitCode.FAILED)
    answer: dict[str, Any] = response.json()
    return answer


def _sandbox_error(response: Any) -> str:
    """The sandbox's own words from its JSON error body, not the raw body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("error_description"):
        return str(body["error_description"])
    return f"HTTP {response.status_code}"


@sandbox_app.command("ctf")
def sandbox_ctf(
    output: Annotated[Path, typer.Option("--output", help="Where to write the CTF (.xml).")],
    seed: Annotated[int, typer.Option(help="Seed of the generated school.")] = 1,
    pupils: Annotated[int, typer.Option(help="How many pupils.")] = 2000,
) -> None:
    """Write the sandbox school's pupils as a Common Transfer File (same UPNs as it serves)."""
    from schoolsync.sandbox import Sandbox
    from schoolsync.sandbox.ctf_export import school_ctf

    school = next(iter(Sandbox.demo(seed=seed, pupils=pupils).schools.values()))
    output.write_bytes(school_ctf(school))
    out.print(f"Wrote {len(school.students)} pupils of {school.name} to {output}")


@sandbox_app.command("existing-accounts")
def sandbox_existing_accounts(
    output: Annotated[Path, typer.Option("--output", help="A folder for the three CSV files.")],
    seed: Annotated[int, typer.Option(help="Seed of the generated school.")] = 1,
    pupils: Annotated[int, typer.Option(help="How many pupils.")] = 2000,
) -> None:
    """Write the accounts, classes and class lists a product might already have for the sandbox
    school (users.csv, classes.csv, memberships.csv), with the name variations real ones have:
    try `schoolsync import-existing` and `schoolsync match` on them."""
    from schoolsync.sandbox import Sandbox
    from schoolsync.sandbox.existing_accounts import existing_accounts

    school = next(iter(Sandbox.demo(seed=seed, pupils=pupils).schools.values()))
    found = existing_accounts(school, seed=seed)
    output.mkdir(parents=True, exist_ok=True)
    for name, data in found.files().items():
        (output / name).write_bytes(data)
    out.print(
        f"Wrote {len(found.users)} accounts, {len(found.classes)} classes and "
        f"{len(found.memberships)} class places of {school.name} to {output}"
    )
