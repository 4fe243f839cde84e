"""The web app's pages over real HTTP, as a browser sees them (without running script)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from schoolsync.store import accounts
from schoolsync.store.tables import holds, schools, sync_runs
from schoolsync.web.security import SESSION_COOKIE
from tests.web.helpers import (
    HEAD_A,
    ISSUES_HEADER,
    NOW,
    PASSWORD,
    SUPPORT,
    VENDOR,
    Site,
    browser_client,
    csrf_of,
    log_in,
    running_site,
)


@pytest.fixture
def site(engine: sa.Engine) -> Iterator[Site]:
    with running_site(engine) as running:
        yield running


def test_pages_need_a_login_and_come_back_after_it(site: Site) -> None:
    with browser_client(site) as client:
        page = client.get(f"/schools/{site.key_a}")
        assert page.url.path == "/login" and "Log in" in page.text
        form = csrf_of(page.text)
        done = client.post(
            "/login",
            data={"email": VENDOR, "password": PASSWORD, "csrf_token": form,
                  "next": f"/schools/{site.key_a}"},
        )  # fmt: skip
        assert done.url.path == f"/schools/{site.key_a}"
        assert "Larkfield Academy" in done.text


def test_security_headers_and_cookie_attributes(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        page = client.get("/login")
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "<script>" not in page.text and " style=" not in page.text
        response = log_in(client, VENDOR)
        assert response.status_code == 303
        cookie = next(
            h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)
        )
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        client.cookies.set(SESSION_COOKIE, response.cookies[SESSION_COOKIE])
        school = client.get(f"/schools/{site.key_a}")
        assert school.status_code == 200
        assert school.headers["Cache-Control"] == "no-store"  # not kept for the Back button
        assert "no-store" not in client.get("/static/app.css").headers.get("Cache-Control", "")


def test_login_errors_do_not_tell_which_accounts_exist(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        unknown = log_in(client, "nobody@vendor.example")
        wrong = log_in(client, VENDOR, "not the password")
    assert unknown.status_code == wrong.status_code == 400
    message = "Enter a correct email address and password."
    assert message in unknown.text and message in wrong.text
    assert 'href="#email"' in wrong.text  # the error summary links to the field


def test_login_is_limited_per_account(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
            log_in(client, VENDOR, "guess")
        refused = log_in(client, VENDOR)
    assert refused.status_code == 400
    assert "Too many attempts" in refused.text
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")


def test_login_rotates_the_session_id_and_logout_ends_it(site: Site) -> None:
    with httpx.Client(base_url=site.url, follow_redirects=True) as client:
        log_in(client, VENDOR)
        first = client.cookies[SESSION_COOKIE]
        log_in(client, SUPPORT)
        second = client.cookies[SESSION_COOKIE]
        assert first != second
        with httpx.Client(base_url=site.url, cookies={SESSION_COOKIE: first}) as old:
            assert old.get("/schools").status_code == 303  # the old session is gone
        page = client.get("/schools")
        out = client.post("/logout", data={"csrf_token": csrf_of(page.text)})
        assert out.url.path == "/login" and "You have logged out" in out.text
    with httpx.Client(base_url=site.url, cookies={SESSION_COOKIE: second}) as stale:
        assert stale.get("/schools").status_code == 303


def test_forms_without_the_csrf_token_change_nothing(site: Site) -> None:
    with browser_client(site, VENDOR) as client:
        before = runs_of(site)
        refused = client.post(f"/schools/{site.key_a}/sync", data={"csrf_token": "forged"})
        assert refused.status_code == 403 and "expired" in refused.text
        assert client.post("/logout").status_code == 403
        time.sleep(0.3)
        assert runs_of(site) == before
        assert client.get("/schools").status_code == 200  # still logged in


def runs_of(site: Site) -> int:
    with site.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(sync_runs)).scalar_one())


def test_every_post_form_carries_a_csrf_token(site: Site) -> None:
    with browser_client(site, VENDOR) as client:
        for path in ("/schools", f"/schools/{site.key_a}", "/account/tokens"):
            html = client.get(path).text
            forms = html.split("<form")[1:]
            posting = [f for f in forms if 'method="post"' in f.split(">", 1)[0]]
            assert posting, path
            for form in posting:
                assert 'name="csrf_token"' in form.split("</form>", 1)[0], path


def test_schools_overview_shows_status_and_searches(site: Site) -> None:
    with browser_client(site, SUPPORT) as client:
        page = client.get("/schools").text
        assert "Larkfield Academy" in page and "Brookside Primary" in page
        assert "Issues exist" in page  # each school's first run left the teacher out
        by_urn = client.get("/schools", params={"q": "100002"}).text
        assert "Brookside Primary" in by_urn and "Larkfield Academy" not in by_urn
        by_name = client.get("/schools", params={"q": "larkf"}).text
        assert "Larkfield Academy" in by_name and "Brookside Primary" not in by_name
        none = client.get("/schools", params={"status": "failed"}).text
        assert "No schools match" in none


def test_a_school_admin_lands_on_their_school(site: Site) -> None:
    with browser_client(site, HEAD_A) as client:
        page = client.get("/schools")
        assert page.url.path == f"/schools/{site.key_a}"
        assert "Brookside" not in page.text


def test_start_sync_shows_progress_until_the_run_ends(site: Site) -> None:
    with browser_client(site, HEAD_A) as client:
        page = client.get(f"/schools/{site.key_a}")
        started = client.post(
            f"/schools/{site.key_a}/sync", data={"csrf_token": csrf_of(page.text)}
        )
        assert started.status_code == 200
        deadline = time.monotonic() + 20
        panel = ""
        while time.monotonic() < deadline:
            panel = client.get(f"/schools/{site.key_a}/progress").text
            if "data-finished" in panel:
                break
            time.sleep(0.1)
        assert "The sync has finished" in panel and "Issues exist" in panel
        history = client.get(f"/schools/{site.key_a}").text
        assert history.count("Started by a person") == 2


def test_issues_csv_download_has_the_columns_schools_expect(site: Site) -> None:
    with browser_client(site, HEAD_A) as client:
        page = client.get(f"/schools/{site.key_a}").text
        link = f"/schools/{site.key_a}/runs/{site.run_a}/issues.csv"
        assert link in page
        download = client.get(link)
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0][:5] == ISSUES_HEADER
    assert rows[1][1:2] == ["Teacher"] and rows[1][4] == "User is missing an email"


def test_api_tokens_are_shown_once_work_and_can_be_revoked(site: Site) -> None:
    with browser_client(site, HEAD_A) as client:
        page = client.get("/account/tokens")
        empty_name = client.post("/account/tokens", data={"csrf_token": csrf_of(page.text)})
        assert empty_name.status_code == 400 and 'href="#name"' in empty_name.text
        made = client.post(
            "/account/tokens", data={"csrf_token": csrf_of(page.text), "name": "reports"}
        )
        token = made.text.split('<code class="token">')[1].split("<")[0]
        assert token not in client.get("/account/tokens").text  # shown once
        api = httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {token}"})
        assert [s["key"] for s in api.get("/api/schools").json()] == [site.key_a]
        assert api.get(f"/api/schools/{site.key_b}/runs").status_code == 404
        assert api.get(f"/api/schools/{site.key_a}/runs").status_code == 200
        listing = client.get("/account/tokens").text
        revoke = listing.split('action="/account/tokens/')[1].split('"')[0]
        client.post(f"/account/tokens/{revoke}", data={"csrf_token": csrf_of(listing)})
        assert api.get(f"/api/schools/{site.key_a}/runs").status_code == 401
        api.close()


def test_login_never_sends_a_person_to_another_site(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        form = client.get("/login").text
        response = client.post(
            "/login",
            data={"email": VENDOR, "password": PASSWORD, "csrf_token": csrf_of(form),
                  "next": "//evil.example/phish"},
        )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/schools"


def test_a_banner_says_what_waits_for_approval(site: Site) -> None:
    with site.engine.begin() as conn:
        school_id = conn.execute(
            sa.select(schools.c.id).where(schools.c.key == site.key_a)
        ).scalar_one()
        conn.execute(
            sa.insert(holds).values(
                school_id=school_id, run_id=site.run_a, rule="class_gone", subject="7A/Ma1",
                message="The class 7A/Ma1 is gone from the MIS: 12 tasks would be removed",
                losses={}, changes=[], fingerprint="f", status="pending", created_at=NOW,
            )
        )  # fmt: skip
    with browser_client(site, HEAD_A) as client:
        page = client.get(f"/schools/{site.key_a}").text
    assert "Changes are waiting for your approval" in page
    assert "12 tasks would be removed" in page


def test_a_malformed_address_gets_a_page_not_json(site: Site) -> None:
    with browser_client(site, VENDOR) as client:
        page = client.get(f"/schools/{site.key_a}/runs/not-a-number/issues.csv")
        assert page.status_code == 400
        assert "Check the web address" in page.text
        api = client.get(f"/api/schools/{site.key_a}/runs", params={"limit": "many"})
        assert api.headers["content-type"].startswith("application/json")  # the API: JSON


def test_the_schools_open_issues_download(site: Site) -> None:
    with browser_client(site, HEAD_A) as client:
        page = client.get(f"/schools/{site.key_a}").text
        assert f"/schools/{site.key_a}/issues.csv" in page
        download = client.get(f"/schools/{site.key_a}/issues.csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0][:5] == ISSUES_HEADER
    assert [r[4] for r in rows[1:]] == ["User is missing an email"]


def test_only_vendor_admins_see_the_users(site: Site) -> None:
    with browser_client(site, VENDOR) as client:
        page = client.get("/users")
        assert page.status_code == 200
        assert HEAD_A in page.text and "School admin" in page.text and site.key_a in page.text
    for email in (SUPPORT, HEAD_A):
        with browser_client(site, email) as client:
            refused = client.get("/users")
            assert refused.status_code == 404 and VENDOR not in refused.text


def test_vendor_support_cannot_approve_through_the_api(site: Site) -> None:
    with site.engine.begin() as conn:
        users = {u.email: u for u in accounts.list_users(conn)}
        token = accounts.create_api_token(conn, users[SUPPORT].id, "support script", NOW)
    with httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {token}"}) as api:
        assert api.get(f"/api/schools/{site.key_a}/runs").status_code == 200  # may read
        refused = api.post(
            f"/api/schools/{site.key_a}/holds/approve",
            json={"rules": ["class_gone"], "approved_by": "sam"},
        )
    assert refused.status_code == 403 and "cannot approve" in refused.text
