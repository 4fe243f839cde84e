"""The issues CSV a school downloads. The first five columns are exactly the ones schools
already know; names come from an outside system, so cells that a spreadsheet would run as a
formula are neutralised."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from schoolsync.engine.validate import resolution_for
from schoolsync.model import Issue

COLUMNS = (
    "Integration Source ID",
    "Entity Type",
    "Entity Name",
    "MIS ID",
    "Error Message",
    "Severity",
    "Resolution",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Prefix a quote so Excel and Sheets show the text instead of evaluating it."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def write_issues_csv(issues: Iterable[Issue], stream: TextIO) -> int:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for issue in issues:
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    issue.source_id,
                    issue.entity_type,
                    issue.entity_name,
                    issue.mis_id,
                    issue.message,
                    issue.severity,
                    resolution_for(issue.message),
                )
            ]
        )
        count += 1
    return count
