"""The first connection in a real headless Chromium, as the Wonde Uploader's flow: load the
existing accounts, the class table with its suggestions and the sets-versus-forms warning,
"Click to resolve issues", Merge with its summary, login cards, Disconnect; axe-core and a
screenshot on every page. SQLite only, like the other browser tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.model import Snapshot
from schoolsync.store import schools as school_store
from schoolsync.store.tables import people
from tests.builders import pupil, school_class, snapshot, teacher
from tests.web.helpers import NOW, VENDOR, Site, mis, running_site
from tests.web.test_browser import browser, check, engine, log_in, playwright_api, pytestmark

__all__ = ["browser", "engine", "pytestmark"]  # the shared fixtures and marks

BIRTHDAY = dt.date(2015, 3, 9)
USERS = (
    "username,forename,surname,role,date_of_birth\n"
    f"amara1,Amara,Okafor,student,{BIRTHDAY}\n"
    f"jon1,Jon,Smith,student,{BIRTHDAY}\n"
    f"samuel1,Samuel,Lee,student,{BIRTHDAY}\n"
    f"samantha1,Samantha,Lee,student,{BIRTHDAY}\n"
)
CLASSES = "class_id,name\nband-1,6Ma1\n"
MEMBERSHIPS = "class_id,username\nband-1,amara1\nband-1,jon1\nband-1,samuel1\n"


def ditton() -> Snapshot:
    """The MIS: forms only (6H, 6Y); Sam Lee could be either Lee; Noor is new."""
    return snapshot(
        pupil("Q1", "Amara", "Okafor", date_of_birth=BIRTHDAY),
        pupil("Q2", "Jonathan", "Smith", date_of_birth=BIRTHDAY),
        pupil("Q3", "Sam", "Lee", date_of_birth=BIRTHDAY),
        pupil("Q4", "Noor", "Haddad", date_of_birth=BIRTHDAY),
        teacher("U1", "Ffion", "Pryce", email="f.pryce@ditton.example"),
        school_class("D1", "6H", students=["Q1", "Q2", "Q3"], teachers=["U1"], mis_id="d1"),
        school_class("D2", "6Y", students=["Q4"], mis_id="d2"),
    )


@pytest.fixture
def world(engine: sa.Engine) -> Iterator[tuple[Site, str]]:
    read = {"Ditton": ditton}
    with running_site(engine, read_mis=lambda name: read.get(name, lambda: mis(name))()) as site:
        with engine.begin() as conn:
            key = school_store.add_school(
                conn, name="Ditton Primary", now=NOW, secret_key=Fernet.generate_key()
            ).key
        yield site, key


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    browser.clear_cookies()
    opened = browser.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    opened.close()


def test_load_match_resolve_merge_cards_and_disconnect(
    page: Any, world: tuple[Site, str], tmp_path: Path
) -> None:
    site, key = world
    expect = playwright_api.expect
    for name, text in (("users", USERS), ("classes", CLASSES), ("memberships", MEMBERSHIPS)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    log_in(page, site, VENDOR, tmp_path)
    page.goto(f"{site.url}/schools/{key}")
    page.get_by_role("link", name="First connection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("First connection")
    check(page, tmp_path, "first-connection-empty")
    page.get_by_label("Accounts (users.csv)").set_input_files(str(tmp_path / "users.csv"))
    page.get_by_label("Classes (classes.csv, optional)").set_input_files(
        str(tmp_path / "classes.csv")
    )
    page.get_by_label("Class lists (memberships.csv, optional)").set_input_files(
        str(tmp_path / "memberships.csv")
    )
    page.get_by_role("button", name="Load these files").click()

    # The class table: 6H matches 6Ma1 by its pupils; 6Y is new; the sets warning in 003's words.
    expect(page.get_by_label("Action for 6H")).to_have_value(_match_value(site, "6Ma1"))
    expect(page.get_by_label("Action for 6Y")).to_have_value("import")
    expect(page.get_by_role("note")).to_contain_text(
        "move the pupils out of 6Ma1 and put them into 6H and 6Y: 2 pupils affected"
    )
    check(page, tmp_path, "first-connection-table")

    page.get_by_role("link", name="Click to resolve issues in 6H").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who are these pupils in 6H?")
    check(page, tmp_path, "first-connection-resolve")
    page.get_by_label("samuel1 (Samuel Lee)", exact=False).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Your choices are saved")
    expect(page.get_by_role("link", name="Click to resolve issues in 6H")).to_have_count(0)

    page.get_by_role("link", name="Merge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what the merge will do")
    summary = page.locator(".summary")
    expect(summary).to_contain_text("Your accounts linked to the MIS3")
    expect(summary).to_contain_text("Classes imported for the first time1")
    check(page, tmp_path, "first-connection-merge")
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merged")
    check(page, tmp_path, "first-connection-merged")
    with site.engine.connect() as conn:
        rows = {r.username: r for r in conn.execute(sa.select(people))}
    assert (rows["samuel1"].source_id, rows["samuel1"].forename) == ("Q3", "Sam")
    assert rows["jon1"].forename == "Jonathan" and rows["samantha1"].source_id is None
    assert sum(1 for r in rows.values() if r.surname == "Lee" and r.source_id) == 1

    page.get_by_role("link", name="login cards").click()
    page.get_by_role("button", name="Make login cards for 6H").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Login cards: 6H")
    cards = page.locator(".card")
    expect(cards).to_have_count(3)
    expect(page.get_by_label("Login card for Sam Lee")).to_contain_text("samuel1")
    check(page, tmp_path, "login-cards")

    page.goto(f"{site.url}/schools/{key}/first-connection")
    page.get_by_role("link", name="Disconnect your MIS").click()
    check(page, tmp_path, "disconnect")
    page.get_by_role("button", name="Disconnect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your MIS is disconnected")
    with site.engine.connect() as conn:
        assert {r.username: r for r in conn.execute(sa.select(people))}.keys() == rows.keys()


def _match_value(site: Site, name: str) -> str:
    from schoolsync.store.tables import classes

    with site.engine.connect() as conn:
        found = conn.execute(sa.select(classes.c.id).where(classes.c.name == name)).scalar_one()
    return f"match:{found}"
