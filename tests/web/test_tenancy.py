"""Tenant isolation, walked over the app's own route table: every route that names a school, a
run or anything else belonging to someone, asked for by a school admin of another school, answers
404 and shows nothing of it. A route added later is covered without anyone remembering to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import sqlalchemy as sa
from starlette.routing import Mount, Route

from schoolsync.store import accounts
from schoolsync.store.schools import get_school
from schoolsync.store.tables import classes, people
from tests.web.helpers import HEAD_A, NOW, VENDOR, browser_client, csrf_of, running_site

OTHER_SCHOOL = ("Brookside", "100002")


def every_route(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every endpoint, looking inside included routers (newer FastAPI keeps
    them as one entry), but not into static files."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            inner = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            yield from every_route(included.routes, prefix + inner)
        elif isinstance(route, Route):
            yield prefix + route.path, set(route.methods or ())
        elif not isinstance(route, Mount):
            raise AssertionError(f"teach this test to walk {route!r}")


def test_a_school_admin_gets_404_for_everything_of_another_school(engine: sa.Engine) -> None:
    with running_site(engine) as site:
        with engine.begin() as conn:
            users = {u.email: u for u in accounts.list_users(conn)}
            head_token = accounts.create_api_token(conn, users[HEAD_A].id, "script", NOW)
            accounts.create_api_token(conn, users[VENDOR].id, "vendor script", NOW)
            vendor_token_id = accounts.list_api_tokens(conn, users[VENDOR].id)[0].id
            school_b = get_school(conn, site.key_b).id
            person_b = conn.execute(
                sa.select(people.c.id).where(people.c.school_id == school_b).limit(1)
            ).scalar_one()
            class_b = conn.execute(
                sa.select(classes.c.id).where(classes.c.school_id == school_b).limit(1)
            ).scalar_one()
        #: what each path parameter is, when it belongs to someone else
        others = {
            "person_id": str(person_b),
            "class_id": str(class_b),
            "key": site.key_b,
            "run_id": str(site.run_b),
            "class_mis_id": "m1",
            "class_key": "m1",
            "token_id": str(vendor_token_id),
        }
        api = httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {head_token}"})
        checked = []
        with browser_client(site, HEAD_A) as browser:
            csrf = csrf_of(browser.get(f"/schools/{site.key_a}").text)
            routes = list(every_route(site.app.routes))
            for template, methods in routes:
                params = re.findall(r"{(\w+)(?::\w+)?}", template)
                unknown = set(params) - set(others)
                assert not unknown, f"teach this test what {unknown} of {template} means"
                if not params:
                    continue
                path = template
                for name in params:
                    path = re.sub("{" + name + r"(?::\w+)?}", others[name], path)
                client = api if path.startswith("/api/") else browser
                for method in sorted(methods - {"HEAD"}):
                    response = client.request(
                        method,
                        path,
                        data={"csrf_token": csrf} if method == "POST" else None,
                        json={"count": 3, "label": "tasks"} if method == "PUT" else None,
                    )
                    assert response.status_code == 404, (method, path, response.status_code)
                    assert not any(s in response.text for s in OTHER_SCHOOL), (method, path)
                    checked.append((method, template))
            # Routes naming no school show a school admin nothing of another school either.
            for template, methods in routes:
                if "{" in template or "GET" not in methods:
                    continue
                if template in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"):
                    continue
                client = api if template.startswith("/api/") else browser
                response = client.get(template)
                assert not any(s in response.text for s in OTHER_SCHOOL), template
                assert site.key_b not in response.text, template
        api.close()
    walked = {path for _method, path in checked}
    assert {
        "/schools/{key}",
        "/schools/{key}/sync",
        "/schools/{key}/runs/{run_id}/issues.csv",
        "/schools/{key}/issues.csv",
        "/api/schools/{key}/runs",
        "/account/tokens/{token_id}/revoke",
        "/schools/{key}/runs/{run_id}",
        "/schools/{key}/people/{person_id}",
        "/schools/{key}/people/{person_id}/photo",
        "/schools/{key}/classes/{class_id}",
        "/schools/{key}/manual/apply",
        "/schools/{key}/settings",
        "/api/schools/{key}/people",
        "/api/schools/{key}/people/{person_id}",
        "/api/schools/{key}/classes",
        "/api/schools/{key}/classes/{class_id}",
        "/api/schools/{key}/settings",
        "/api/schools/{key}/manual/choices",
        "/api/schools/{key}/manual/plan",
        "/api/schools/{key}/manual/start",
    } <= walked
    assert ("PATCH", "/api/schools/{key}/settings") in checked
