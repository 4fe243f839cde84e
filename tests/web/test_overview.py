"""The schools overview's query: keyset pages, search, status filter, the needs-approval tag
(SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from schoolsync.services.overview import school_overview
from schoolsync.store.tables import holds, schools, sync_runs

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def add_schools(engine: sa.Engine, names: list[str]) -> dict[str, int]:
    ids = {}
    with engine.begin() as conn:
        for n, name in enumerate(names):
            ids[name] = conn.execute(
                sa.insert(schools)
                .values(key=f"sch_{n:04d}", name=name, urn=f"1{n:05d}", source_kind="wonde",
                        settings={}, created_at=NOW)
                .returning(schools.c.id)
            ).scalar_one()  # fmt: skip
    return ids


def run(conn: sa.Connection, school_id: int, status: str, issues: int = 0) -> int:
    return int(
        conn.execute(
            sa.insert(sync_runs)
            .values(school_id=school_id, trigger="scheduled", source="wonde", mode="full",
                    status=status, started_at=NOW, finished_at=NOW, counts={},
                    issue_count=issues)
            .returning(sync_runs.c.id)
        ).scalar_one()
    )  # fmt: skip


def test_pages_follow_on_without_gaps_or_repeats(engine: sa.Engine) -> None:
    # Two schools share a name: the id breaks the tie, so neither is lost between pages.
    names = ["Oak Primary", "Ash Academy", "Elm School", "Oak Primary", "Birch High"]
    add_schools(engine, names)
    seen: list[str] = []
    after = None
    for _ in range(10):
        page = school_overview(engine, after=after, page_size=2)
        seen += [r.name for r in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == sorted(names)


def test_status_search_and_needs_approval(engine: sa.Engine) -> None:
    ids = add_schools(engine, ["Ash Academy", "Birch High", "Cedar Primary"])
    with engine.begin() as conn:
        run(conn, ids["Ash Academy"], "failed")
        run(conn, ids["Ash Academy"], "issues_exist", issues=4)  # the latest run counts
        held_run = run(conn, ids["Birch High"], "needs_approval")
        conn.execute(
            sa.insert(holds).values(
                school_id=ids["Birch High"], run_id=held_run, rule="class_gone",
                subject="7A/Ma1", message="7A/Ma1 would be removed", losses={}, changes=[],
                fingerprint="f", status="pending", created_at=NOW,
            )
        )  # fmt: skip
    with engine.connect() as conn:
        rows = {r.name: r for r in school_overview(engine).rows}
        assert rows["Ash Academy"].status == "issues_exist"
        assert rows["Ash Academy"].open_issues == 4
        assert rows["Birch High"].needs_approval and not rows["Ash Academy"].needs_approval
        assert rows["Cedar Primary"].status is None and rows["Cedar Primary"].last_sync is None

        def names(**kw: str) -> list[str]:
            return [r.name for r in school_overview(engine, **kw).rows]

        assert names(status="issues_exist") == ["Ash Academy"]
        assert names(status="failed") == []  # an older run's status does not count
        assert names(status="never") == ["Cedar Primary"]
        assert names(search="birch") == ["Birch High"]
        assert names(search="100002") == ["Cedar Primary"]
        assert names(search="100%") == []  # a wildcard typed in is a character, not a pattern


def test_a_runs_changes_are_said_in_words() -> None:
    from schoolsync.model.labels import changes_in_words

    counts = {
        "student": {"create": 10, "leave": 1, "update": 2},
        "class": {"create": 2, "delete": 1},
        "class_membership": {"add": 3, "remove": 0},
    }
    assert changes_in_words(counts) == "15 added, 2 changed, 1 left, 1 removed"
    assert changes_in_words({}) == "No changes"
