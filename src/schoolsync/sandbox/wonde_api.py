"""Wonde's read endpoints over a Sandbox: schools, their records, counts and deletions.

Checks in order: unknown school 404, token not approved 403, school offline 503, a withheld
permission (for the endpoint or any include) 403 naming it, unreadable paging or filters 422,
unknown record 404.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from schoolsync.sandbox import filters, includes
from schoolsync.sandbox.includes import COLLECTION_PERMISSIONS
from schoolsync.sandbox.permissions import permission_objects
from schoolsync.sandbox.protocol import API_PREFIX, ApiError, paged, visible_school
from schoolsync.sandbox.registry import Sandbox
from schoolsync.sandbox.render import Renderer
from schoolsync.sandbox.state import COLLECTIONS, SandboxSchool

Record = dict[str, Any]


class WondeApi:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def root(self, request: Request, token: str) -> Record:
        return {"data": {"name": "schoolsync sandbox", "version": "v1.0"}}

    def schools(self, request: Request, token: str) -> Record:
        visible = self.sandbox.visible_to(token)
        return paged(
            self.sandbox, request, visible,
            lambda chunk: [self.school_object(request, s) for s in chunk], [],
        )  # fmt: skip

    def school(self, request: Request, token: str) -> Record:
        school = self._school(request, token, data=False)
        return {"data": self.school_object(request, school), "meta": {"includes": []}}

    def school_meta(self, request: Request, token: str) -> Record:
        school = self._school(request, token, data=False)
        return {
            "data": {
                "online": not self.sandbox.faults.is_offline(school.id),
                "approved": True,
                "audited": bool(school.profile.get("extended", {}).get("audit_approved_at")),
                "custom_attendance_codes": False,
            }
        }

    def school_permissions(self, request: Request, token: str) -> Record:
        school = self._school(request, token, data=False)
        audited = school.profile.get("extended", {}).get("audit_approved_at")
        return {"data": permission_objects(self.sandbox.denied.get(school.id, set()), audited)}

    def records(self, request: Request, token: str) -> Record:
        school = self._school(request, token)
        kind = self._kind(request)
        resolved = self._includes(request, kind)
        self._require(school, {COLLECTION_PERMISSIONS[kind], *resolved.permissions})
        with school.lock:
            try:
                ids = filters.select(school, kind, request.query_params)
            except filters.FilterError as error:
                raise ApiError(422, "validation_failed", str(error)) from error
            renderer = Renderer(school, dob_as_string=self.sandbox.dob_as_string)
            return paged(
                self.sandbox, request, ids,
                lambda chunk: renderer.many(kind, chunk, resolved.tree),
                self._meta_includes(kind, resolved),
            )  # fmt: skip

    def record(self, request: Request, token: str) -> Record:
        school = self._school(request, token)
        kind, record_id = self._kind(request), request.path_params["record_id"]
        resolved = self._includes(request, kind)
        self._require(school, {COLLECTION_PERMISSIONS[kind], *resolved.permissions})
        with school.lock:
            renderer = Renderer(school, dob_as_string=self.sandbox.dob_as_string)
            found = renderer.one(kind, record_id, resolved.tree)
        if found is None:
            raise ApiError(404, "not_found", f"No {kind} record with id {record_id}.")
        return {"data": found, "meta": {"includes": self._meta_includes(kind, resolved)}}

    def counts(self, request: Request, token: str) -> Record:
        school = self._school(request, token)
        asked = includes.parse(request.query_params.getlist("include"))
        wanted = [kind for kind in asked if kind in COLLECTIONS]
        self._require(school, {COLLECTION_PERMISSIONS[kind] for kind in wanted})
        with school.lock:
            counted = {kind: {"data": {"count": len(school.collection(kind))}} for kind in wanted}
        return {"data": counted}

    def deletions(self, request: Request, token: str) -> Record:
        school = self._school(request, token)
        with school.lock:
            try:
                found = filters.select_deletions(request.query_params, list(school.deletions))
            except filters.FilterError as error:
                raise ApiError(422, "validation_failed", str(error)) from error
        return paged(self.sandbox, request, found, lambda chunk: [dict(d) for d in chunk], [])

    # --- helpers --------------------------------------------------------------------------

    def _school(self, request: Request, token: str, *, data: bool = True) -> SandboxSchool:
        return visible_school(self.sandbox, token, request.path_params["school_id"], data=data)

    @staticmethod
    def _kind(request: Request) -> str:
        kind = str(request.path_params["kind"])
        if kind not in COLLECTIONS:
            raise ApiError(404, "not_found", f"No such endpoint: {kind}.")
        return kind

    def _require(self, school: SandboxSchool, needed: set[str]) -> None:
        missing = sorted(needed & self.sandbox.denied.get(school.id, set()))
        if missing:
            raise ApiError(
                403,
                "invalid_permissions",
                f"School {school.id} has not granted the {missing[0]} permission.",
            )

    @staticmethod
    def _includes(request: Request, kind: str) -> includes.Resolved:
        return includes.resolve(kind, includes.parse(request.query_params.getlist("include")))

    def _meta_includes(self, kind: str, resolved: includes.Resolved) -> list[str]:
        if self.sandbox.meta_includes == "supported":
            return includes.supported(kind)
        return resolved.paths

    @staticmethod
    def school_object(request: Request, school: SandboxSchool) -> Record:
        """The stored profile plus `region`, which points back at the host asked."""
        host = request.url.netloc
        profile = school.profile
        data = dict(profile)
        data["region"] = {
            "code": "GBR",
            "domain": host,
            "school_url": f"{request.url.scheme}://{host}{API_PREFIX}/schools/{school.id}",
            "identifiers": {
                "la_code": profile.get("la_code"),
                "establishment_number": profile.get("establishment_number"),
                "urn": profile.get("urn"),
            },
        }
        return data
