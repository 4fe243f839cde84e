"""A pupil's photo on their person page: served with its own content type, cached by this
browser only, and nothing at all (no image, a 404) for a pupil without one or of another
school. Over HTTP on SQLite and PostgreSQL (the page in Chromium: test_browser_settings.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from schoolsync.sandbox.photos import png
from schoolsync.store import photos as photo_store
from schoolsync.store.schools import get_school
from schoolsync.store.tables import people
from tests.web.helpers import HEAD_A, NOW, Site, browser_client, running_site


@pytest.fixture
def site(engine: sa.Engine) -> Iterator[Site]:
    with running_site(engine) as running:
        yield running


def pupil_id(site: Site, key: str, source_id: str) -> int:
    with site.engine.connect() as conn:
        school_id = get_school(conn, key).id
        return int(
            conn.execute(
                sa.select(people.c.id).where(
                    people.c.school_id == school_id, people.c.source_id == source_id
                )
            ).scalar_one()
        )


def give_photo(site: Site, key: str, person_id: int, image: bytes) -> None:
    """As the weekly read stores one (`services/photos.py`)."""
    with site.engine.begin() as conn:
        school_id = get_school(conn, key).id
        photo_store.write_photos(conn, school_id, [(person_id, "sha", "image/png", image)], NOW)


def test_a_pupils_photo_is_served_privately_and_only_to_their_school(site: Site) -> None:
    with_photo, without = pupil_id(site, site.key_a, "P2"), pupil_id(site, site.key_a, "P1")
    of_other_school = pupil_id(site, site.key_b, "P2")
    give_photo(site, site.key_a, with_photo, png("Ayaan"))
    give_photo(site, site.key_b, of_other_school, png("Brookside's Ayaan"))
    with browser_client(site, HEAD_A) as client:
        person = f"/schools/{site.key_a}/people/{with_photo}"
        assert f'<img class="person-photo" src="{person}/photo" alt="Photo of Ayaan' in (
            client.get(person).text
        )
        served = client.get(f"{person}/photo")
        assert served.status_code == 200 and served.content == png("Ayaan")
        assert served.headers["content-type"] == "image/png"
        assert served.headers["cache-control"] == "private, max-age=3600"
        assert served.headers["x-content-type-options"] == "nosniff"
        # No photo: no image on the page, and nothing to fetch.
        bare = f"/schools/{site.key_a}/people/{without}"
        assert "person-photo" not in client.get(bare).text
        assert client.get(f"{bare}/photo").status_code == 404
        # Another school's pupil, under this school or their own: not found.
        for key in (site.key_a, site.key_b):
            photo = client.get(f"/schools/{key}/people/{of_other_school}/photo")
            assert photo.status_code == 404, key
    # Not logged in: the photo is not given away.
    anonymous = httpx.get(f"{site.url}{person}/photo", follow_redirects=False)
    assert anonymous.status_code in (303, 401, 404) and anonymous.content != png("Ayaan")
