"""People read *pupil*, whatever the source or the store calls them (UK schools)."""

from __future__ import annotations

import pytest

from schoolsync.cli.reports import _held
from schoolsync.errors import ConfigError
from schoolsync.school_settings import parse_roles
from schoolsync.web.sync_jobs import SyncProgress
from schoolsync.wording import entity_word, reading_word


def test_counts_and_holds_say_pupil() -> None:
    assert _held({"student": {"leave": 80}, "class_membership": {"delete": 3}}) == (
        "pupil leave: 80\nclass membership delete: 3"
    )
    assert entity_word("teacher") == "teacher"


def test_progress_says_pupils_and_leaves_a_file_name_alone() -> None:
    assert reading_word("students") == "pupils"
    web = SyncProgress()
    web.update("students", 40, 900)
    assert (web.reading, web.done, web.total) == ("pupils", 40, 900)
    assert reading_word("students.csv") == "students.csv"


def test_pupil_is_a_role_people_can_name() -> None:
    assert parse_roles("pupil, Teacher") == {"student", "teacher"}
    assert parse_roles("student") == {"student"}  # what scripts written before say
    with pytest.raises(ConfigError, match=r"choose from pupil, teacher, staff"):
        parse_roles("pupils")
