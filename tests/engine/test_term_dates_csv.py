"""A term dates CSV: read whole, or every bad line named and nothing saved."""

from __future__ import annotations

import pytest

from schoolsync.engine.term_dates_csv import read_term_dates
from schoolsync.errors import ConfigError

GOOD = """academic_year,term,start,end
2026/27,autumn1,2026-09-03,2026-10-23
2026/27,autumn2,2026-11-02,2026-12-18
2026/27,spring1,2027-01-05,2027-02-12
2026/27,spring2,2027-02-22,2027-03-26
2026/27,summer1,2027-04-12,2027-05-28
2026/27,summer2,2027-06-07,2027-07-21
"""


def test_a_good_file_is_six_terms() -> None:
    terms = read_term_dates("\ufeff" + GOOD)
    assert [t.term for t in terms][-1] == "summer2" and len(terms) == 6
    assert {t.academic_year for t in terms} == {2026}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("2026/27,autumn1", "2026/28,autumn1"), "line 2: academic year '2026/28' is not like"),
        (("autumn2,", "autumn3,"), "line 3: term 'autumn3' is not one of"),
        (("2027-01-05", "2027-13-05"), "line 4: start '2027-13-05' is not a date"),
        (("2027-02-12", "2027-01-01"), "line 4: the term ends before it starts"),
        (("2027-07-21", "2027-09-21"), "line 7: the dates are outside the academic year"),
        (("2027-02-22", "2027-02-10"), "line 5: 2026/27 spring2 starts before spring1 ends"),
        (("2026/27,summer2,2027-06-07,2027-07-21\n", ""), "2026/27: missing summer2"),
        (("academic_year,term,start,end", "year,term,from,to"), "the first line must be"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_read(change: tuple[str, str], problem: str) -> None:
    with pytest.raises(ConfigError, match=r"not saved|first line") as raised:
        read_term_dates(GOOD.replace(*change), "terms.csv")
    assert problem in str(raised.value)


def test_every_bad_line_is_named_at_once() -> None:
    bad = GOOD.replace("autumn2,", "autumn3,").replace("2027-01-05", "5/1/2027")
    with pytest.raises(ConfigError) as raised:
        read_term_dates(bad)
    assert "line 3:" in str(raised.value) and "line 4:" in str(raised.value)
