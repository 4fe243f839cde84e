"""The chart of changes and issues per run: SVG drawn on the server, read without script."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from schoolsync.pipeline import sync_school
from schoolsync.web.chart import ROW_HEIGHT, RunPoint, chart_svg
from tests.web.helpers import HEAD_A, NOW, Site, browser_client, mis, running_site

DAY = dt.timedelta(days=1)


def heights(svg: str, what: str) -> list[float]:
    return [float(h) for h in re.findall(rf'height="([\d.]+)" fill="[^"]+" data-{what}=', svg)]


def test_bars_scale_to_the_largest_value_of_their_own_row() -> None:
    points = [
        RunPoint(NOW, 4000, 2),
        RunPoint(NOW + DAY, 1000, 4),
        RunPoint(NOW + 2 * DAY, 0, 0),
    ]
    svg = str(chart_svg(points))
    assert heights(svg, "changes") == [ROW_HEIGHT, ROW_HEIGHT / 4, 0]
    assert heights(svg, "issues") == [ROW_HEIGHT / 2, ROW_HEIGHT, 0]
    assert "<title>25 Nov 2026, 09:00: 1000 changes</title>" in svg
    assert "3 syncs from 24 Nov 2026 to 26 Nov 2026: 5000 changes and 6 issues" in svg


def test_a_tiny_value_still_shows_and_no_runs_says_so() -> None:
    svg = str(chart_svg([RunPoint(NOW, 10_000, 0), RunPoint(NOW + DAY, 1, 0)]))
    assert heights(svg, "changes")[1] >= 2
    assert "No syncs yet." in str(chart_svg([]))


@pytest.fixture
def site(engine: sa.Engine) -> Iterator[Site]:
    with running_site(engine) as running:
        yield running


def test_the_school_page_charts_its_last_60_runs(site: Site) -> None:
    for n in range(1, 62):
        moment = NOW + n * DAY
        sync_school(site.engine, site.key_a, lambda *_: mis("Larkfield"), now=lambda m=moment: m)
    with browser_client(site, HEAD_A) as client:
        page = client.get(f"/schools/{site.key_a}").text
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and "<script" not in page.split("</header>", 1)[1]
    assert len(heights(svg, "issues")) == 60  # 62 runs: the first two fall off
    assert "60 syncs from 26 Nov 2026 to 24 Jan 2027" in svg
