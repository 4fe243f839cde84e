"""The REST API of a first connection: load existing accounts, read the class table, merge.
Changing anything needs a school admin or vendor admin, as approving does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, File, HTTPException, Request, UploadFile, status

from schoolsync.accounts import User
from schoolsync.errors import BadInput, NotFound, SchoolsyncError
from schoolsync.services import first_connection as service
from schoolsync.services.handle import Store
from schoolsync.web.api_common import may_approve


def _may_change(request: Request) -> None:
    user: User = request.state.user
    may_approve(user, "load or merge accounts")


def _reader(request: Request) -> Any:
    reader = getattr(request.app.state, "reader", None)
    if reader is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "this server cannot read MISs")
    return reader()


def _answer(exc: SchoolsyncError) -> HTTPException:
    if isinstance(exc, NotFound):
        return HTTPException(status.HTTP_404_NOT_FOUND, str(exc))
    if isinstance(exc, BadInput):
        return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc))
    return HTTPException(status.HTTP_409_CONFLICT, str(exc))


def add_first_connection_routes(app: FastAPI, engine: Store, dependencies: list[Any]) -> None:
    @app.post("/api/schools/{key}/existing-accounts", dependencies=dependencies)
    async def existing_accounts(
        key: str,
        request: Request,
        users: Annotated[UploadFile, File(description="users.csv")],
        classes: Annotated[UploadFile | None, File(description="classes.csv")] = None,
        memberships: Annotated[UploadFile | None, File(description="memberships.csv")] = None,
    ) -> dict[str, int]:
        """Load the accounts, classes and class lists the product had before its MIS link
        (columns: docs/existing-accounts.md). Every bad line is named; nothing is saved then."""
        _may_change(request)

        async def named(upload: UploadFile | None) -> tuple[str, bytes] | None:
            return (upload.filename or "file.csv", await upload.read()) if upload else None

        loaded = await named(users)
        assert loaded is not None
        try:
            return service.import_existing(
                engine, key, loaded, await named(classes), await named(memberships)
            )
        except SchoolsyncError as exc:
            raise _answer(exc) from exc

    @app.get("/api/schools/{key}/first-connection", dependencies=dependencies)
    def first_connection(key: str, request: Request) -> dict[str, Any]:
        """The class table (Match, Import for the first time, No action, with evidence), the
        pupils to resolve and the sets-versus-forms warning, read from the MIS now."""
        try:
            return service.report_json(service.match_report(engine, key, _reader(request)))
        except SchoolsyncError as exc:
            raise _answer(exc) from exc

    @app.post("/api/schools/{key}/first-connection/merge", dependencies=dependencies)
    def merge(key: str, request: Request) -> dict[str, Any]:
        """Link as chosen, then run the first sync."""
        _may_change(request)
        try:
            done = service.merge(engine, key, _reader(request))
        except SchoolsyncError as exc:
            raise _answer(exc) from exc
        return {
            "linked_accounts": done.linked_accounts,
            "linked_classes": done.linked_classes,
            "imported_classes": done.imported_classes,
            "left_alone_classes": done.left_alone_classes,
            "unresolved": done.unresolved,
            "untouched_accounts": done.untouched_accounts,
            "warning": done.warning,
            "run_id": done.sync.run_id,
            "status": done.sync.status,
        }
