"""The web's status tags say what the CLI and the API say: one set of words, in run_status."""

from __future__ import annotations

from schoolsync.model import run_status
from schoolsync.web.labels import status_label


def test_every_status_has_the_same_words_as_the_cli_and_a_meaning() -> None:
    for status, words in run_status.LABELS.items():
        shown = status_label(status)
        assert words.startswith(shown.tag), status
        assert shown.meaning and shown.colour != "", status


def test_an_interrupted_run_reads_as_interrupted_in_red() -> None:
    shown = status_label(run_status.INTERRUPTED)
    assert shown.tag == "Interrupted"
    assert shown.colour == "red"
    assert "Nothing it read was applied" in shown.meaning


def test_a_school_never_synced() -> None:
    assert status_label(None).tag == "Never synced"
