"""People and Classes: search, filters, a person's ids and history, a class's members, pages
that continue by keyset, and nobody else's records."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from schoolsync.pipeline import sync_school
from schoolsync.services import people as people_service
from schoolsync.store.schools import get_school
from schoolsync.store.tables import classes, people
from tests.builders import pupil, school_class, snapshot, teacher
from tests.web.helpers import HEAD_A, NOW, Site, browser_client, running_site


@pytest.fixture
def site(engine: sa.Engine) -> Iterator[Site]:
    with running_site(engine) as running:
        yield running


def ids_of(site: Site, key: str, table: sa.Table, **where: str) -> int:
    with site.engine.connect() as conn:
        school_id = get_school(conn, key).id
        query = sa.select(table.c.id).where(table.c.school_id == school_id)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return int(conn.execute(query.limit(1)).scalar_one())


def test_people_search_filter_and_a_persons_page(site: Site) -> None:
    renamed = snapshot(
        pupil("P1"),
        pupil("P2", forename="Ayaan", surname="Abdullahi-Khan"),
        teacher("T1", email=None),
        school_class("K1", "Larkfield 7A/Ma1", students=["P1", "P2"], mis_id="m1"),
    )
    later = NOW + dt.timedelta(hours=1)
    sync_school(site.engine, site.key_a, lambda *_: renamed, now=lambda: later)
    with browser_client(site, HEAD_A) as client:
        everyone = client.get(f"/schools/{site.key_a}/people").text
        assert "Ayaan Abdullahi-Khan" in everyone and "Amara Okafor" in everyone
        teachers = client.get(f"/schools/{site.key_a}/people", params={"role": "teacher"}).text
        assert "Amara Okafor" not in teachers
        searched = client.get(f"/schools/{site.key_a}/people", params={"q": "abdul"}).text
        assert "Ayaan Abdullahi-Khan" in searched and "Amara Okafor" not in searched
        link = re.search(rf'href="(/schools/{site.key_a}/people/\d+)">Ayaan', searched)
        assert link
        page = html.unescape(client.get(link.group(1)).text)
    assert "MIS id" in page and "mis-P2" in page and "upi-P2" in page
    assert "Larkfield 7A/Ma1" in page  # their class
    history = page.split("What syncs changed", 1)[1]
    assert "Changed" in history or "Update" in history
    assert "Abdullahi-Khan" in history and "Abdullahi" in history  # before and after


def test_a_persons_history_says_which_classes_they_joined_and_left(site: Site) -> None:
    # Ayaan moves from 7A/Ma1 to a new set, 7A/Ma2: one removal and one addition.
    moved = snapshot(
        pupil("P1"),
        pupil("P2", forename="Ayaan", surname="Abdullahi"),
        teacher("T1", email=None),
        school_class("K1", "Larkfield 7A/Ma1", students=["P1"], mis_id="m1"),
        school_class("K2", "Larkfield 7A/Ma2", students=["P2"], mis_id="m2"),
    )
    later = NOW + dt.timedelta(hours=1)
    sync_school(site.engine, site.key_a, lambda *_: moved, now=lambda: later)
    ayaan = ids_of(site, site.key_a, people, source_id="P2")
    with browser_client(site, HEAD_A) as client:
        page = html.unescape(client.get(f"/schools/{site.key_a}/people/{ayaan}").text)
    history = page.split("What syncs changed", 1)[1]
    assert "Removed from Larkfield 7A/Ma1 (MIS m1)" in history
    assert "Added to Larkfield 7A/Ma2 (MIS m2)" in history
    # Newest first: the move comes before the first sync, which brought Ayaan across.
    assert history.index("Added to Larkfield 7A/Ma2") < history.index("Added</td>")
    # Another pupil's moves are not Ayaan's history.
    assert "Amara" not in history


def test_a_class_page_lists_its_teachers_and_pupils(site: Site) -> None:
    class_id = ids_of(site, site.key_a, classes, mis_id="m1")
    with browser_client(site, HEAD_A) as client:
        listed = client.get(f"/schools/{site.key_a}/classes").text
        assert "Larkfield 7A/Ma1" in listed
        page = html.unescape(client.get(f"/schools/{site.key_a}/classes/{class_id}").text)
    assert "Pupils (2)" in page and "Ayaan Abdullahi" in page and "Amara Okafor" in page


def test_another_schools_person_or_class_under_your_school_is_not_found(site: Site) -> None:
    person_b = ids_of(site, site.key_b, people)
    class_b = ids_of(site, site.key_b, classes)
    with browser_client(site, HEAD_A) as client:
        assert client.get(f"/schools/{site.key_a}/people/{person_b}").status_code == 404
        assert client.get(f"/schools/{site.key_a}/classes/{class_b}").status_code == 404


def test_people_continue_page_after_page_without_repeats(site: Site) -> None:
    many = snapshot(*[pupil(f"P{n}", surname=f"Surname{n:03}") for n in range(120)])
    later = NOW + dt.timedelta(hours=1)
    sync_school(site.engine, site.key_a, lambda *_: many, now=lambda: later)
    seen: list[int] = []
    names: list[str] = []
    after = None
    while True:
        found = people_service.people_page(site.engine, site.key_a, role="student", after=after)
        seen += [r.id for r in found.rows]
        names += [r.name for r in found.rows]
        if found.after is None:
            break
        after = found.after
    assert len(seen) == len(set(seen)) == 120  # three pages of 50, 50 and 20; none twice
    assert names == sorted(names, key=lambda n: n.split()[-1])
