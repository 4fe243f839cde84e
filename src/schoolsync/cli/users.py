"""`schoolsync user add|list`: the accounts of the web app and the API."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from schoolsync.accounts import ROLE_LABELS, ROLES, new_password
from schoolsync.cli.common import app, now, open_store, out

user_app = typer.Typer(help="Accounts of the web app and the API.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The person's email: their login.")],
    role: Annotated[str, typer.Option("--role", help=" | ".join(ROLES))],
    school: Annotated[
        str | None, typer.Option("--school", help="A school admin's school (its key).")
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input."),
    ] = False,
) -> None:
    """Create an account. Prints a one-time password unless one comes on standard input."""
    from schoolsync.services.accounts import add_user

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else new_password()
    with open_store() as (_settings, engine):
        user = add_user(
            engine, email=email, role=role, password=password, now=now(), school_key=school
        )
    where = f" of school {user.school_key}" if user.school_key else ""
    out.print(f"Added {user.email}: {ROLE_LABELS[user.role]}{where}.")
    if not password_stdin:
        # Printed once, here only: the store keeps its argon2 hash.
        out.print(f"One-time password: {password}", highlight=False)


@user_app.command("password")
def user_password(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the new password from standard input."),
    ] = False,
) -> None:
    """Give an account a new password (a one-time one unless it comes on standard input) and
    log it out everywhere."""
    from schoolsync.services.accounts import set_password

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else new_password()
    with open_store() as (_settings, engine):
        user = set_password(engine, email, password)
    out.print(f"New password set for {user.email}; every session of it has ended.")
    if not password_stdin:
        out.print(f"One-time password: {password}", highlight=False)


@user_app.command("list")
def user_list() -> None:
    """Every account with its role and school."""
    from rich.table import Table

    from schoolsync.services.accounts import list_users

    with open_store() as (_settings, engine):
        found = list_users(engine)
    table = Table("Email", "Role", "School")
    for user in found:
        table.add_row(user.email, ROLE_LABELS[user.role], user.school_key or "every school")
    out.print(table if found else "No accounts yet: add one with `schoolsync user add`.")
