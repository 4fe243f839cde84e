"""What every API router shares: who is calling (checked before any route runs), the store, the
path values every route checks against what the store can hold, and the services' errors as
HTTP answers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status

from schoolsync.accounts import User
from schoolsync.errors import BadInput, NotFound
from schoolsync.services.handle import Store as Engine
from schoolsync.web.auth import api_user

#: The largest value an INTEGER column holds on PostgreSQL (run ids, dependents' counts).
MAX_INTEGER = 2**31 - 1

SchoolKey = Annotated[
    str, Path(min_length=1, max_length=40, description="The school's key, e.g. sch_...")
]
RunId = Annotated[int, Path(ge=1, le=MAX_INTEGER, description="A run id from .../runs")]


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


Store = Annotated[Engine, Depends(_engine)]


def authorised(request: Request) -> None:
    """The caller's token, and their right to the school the path names (404 when it is not
    theirs); `SCHOOLSYNC_API_TOKEN` is the app's own."""
    api_user(request, request.app.state.api_token)


#: On every API route: the check above runs before the route does.
CHECKED = [Depends(authorised)]


def caller(request: Request) -> User:
    """The user `authorised` found."""
    user: User = request.state.user
    return user


Caller = Annotated[User, Depends(caller)]


def may_approve(user: User, what: str) -> None:
    """Vendor support reads and starts syncs; approving and changing settings are not theirs."""
    if not user.can_approve:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"vendor support cannot {what}")


@contextlib.contextmanager
def answering() -> Iterator[None]:
    """The services' errors as HTTP answers: unknown is 404, bad input 422, with their words."""
    try:
        yield
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except BadInput as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
