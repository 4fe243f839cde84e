"""Who is asking: a browser session (pages) or a bearer token (API), and which schools they
may see. Tenant isolation lives here: a school that is not yours is answered like one that does
not exist (404), so a school admin cannot even learn which keys are real."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from schoolsync.accounts import User
from schoolsync.errors import SchoolNotFound
from schoolsync.services import accounts, schools
from schoolsync.services.handle import Store
from schoolsync.web.security import SESSION_COOKIE, tokens_match

#: what `SCHOOLSYNC_API_TOKEN` (the bootstrap token of scripts and the product) acts as
BOOTSTRAP_USER = User(id=0, email="SCHOOLSYNC_API_TOKEN", role="vendor-admin", school_id=None,
                      school_key=None)  # fmt: skip


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the login page."""


@dataclass(frozen=True, slots=True)
class Visitor:
    user: User
    csrf: str
    session_id: str


def now(request: Request) -> dt.datetime:
    clock = request.app.state.clock
    moment: dt.datetime = clock()
    return moment


def engine_of(request: Request) -> Store:
    """The store the app was built with, handed to the services as it is."""
    engine: Store = request.app.state.engine
    return engine


def visitor(request: Request) -> Visitor:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise LoginRequired
    found = accounts.session_user(engine_of(request), session_id, now(request))
    if found is None:
        raise LoginRequired
    user, csrf = found
    return Visitor(user, csrf, session_id)


CurrentVisitor = Annotated[Visitor, Depends(visitor)]


async def form_of(request: Request, who: Visitor) -> dict[str, str]:
    """The posted form, once its CSRF token is checked against the session's."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not tokens_match(who.csrf, fields.get("csrf_token")):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "This form has expired. Go back, reload the page and try again.",
        )
    return fields


def visible_school(request: Request, user: User, key: str) -> tuple[int, str]:
    """The school's id and name, or 404 when it does not exist or is not the user's."""
    if not user.is_vendor and user.school_key != key:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    try:
        school = schools.school_named(engine_of(request), key)
    except SchoolNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found") from exc
    return school.id, school.name


def api_user(request: Request, bootstrap_token: str | None) -> User:
    """The API caller: the bootstrap token, or a user's own token. 401 otherwise."""
    given = request.headers.get("Authorization", "")
    token = given.removeprefix("Bearer ").strip() if given.startswith("Bearer ") else ""
    user = None
    if token and bootstrap_token and hmac.compare_digest(token.encode(), bootstrap_token.encode()):
        user = BOOTSTRAP_USER
    elif token:
        user = accounts.token_user(engine_of(request), token)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid API token is needed",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # Every API route that names a school is checked here, before it runs.
    key = request.path_params.get("key")
    if key is not None and not user.is_vendor and user.school_key != key:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no school {key}")
    request.state.user = user
    return user
