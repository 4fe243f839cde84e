"""The chart of changes and issues per run, drawn as SVG on the server: no script, no build.
Pure: numbers in, markup out.

Two rows of bars share the run axis, each scaled to its own largest value: a first sync makes
thousands of changes and finds a handful of issues, and one scale would flatten the issues."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from schoolsync.services.history import RunPoint

WIDTH = 640
ROW_HEIGHT = 90
GAP = 40
LEFT = 60
#: GOV.UK blue and orange: each keeps 3:1 contrast against white, as a graphic must.
COLOURS = {"changes": "#1d70b8", "issues": "#b45309"}


def chart_svg(points: Sequence[RunPoint]) -> Markup:
    """Bars of changes (top) and issues (bottom), oldest run on the left; each bar's own
    <title> gives its date and number to a pointer or a screen reader."""
    height = 2 * ROW_HEIGHT + GAP + 30
    count = max(len(points), 1)
    step = (WIDTH - LEFT - 10) / count
    bar = max(step * 0.7, 1.0)
    first = points[0].started_at.strftime("%-d %b %Y") if points else ""
    last = points[-1].started_at.strftime("%-d %b %Y") if points else ""
    summary = (
        f"{len(points)} syncs from {first} to {last}: "
        f"{sum(p.changes for p in points)} changes and {sum(p.issues for p in points)} issues "
        "in all."
        if points
        else "No syncs yet."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        'role="img" aria-labelledby="chart-title chart-desc">',
        '<title id="chart-title">Changes and issues per sync</title>',
        f'<desc id="chart-desc">{escape(summary)}</desc>',
    ]
    for row, (what, values) in enumerate(
        (("changes", [p.changes for p in points]), ("issues", [p.issues for p in points]))
    ):
        top = 20 + row * (ROW_HEIGHT + GAP)
        bottom = top + ROW_HEIGHT
        biggest = max(values, default=0)
        parts.append(
            f'<text x="0" y="{top - 6}" font-size="14" fill="#0b0c0c">'
            f"{what.capitalize()} per sync (up to {biggest})</text>"
        )
        parts.append(
            f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}" stroke="#505a5f"/>'
        )
        for n, (point, value) in enumerate(zip(points, values, strict=True)):
            tall = ROW_HEIGHT * value / biggest if biggest else 0
            # A run with some changes always shows: at least a sliver of a bar.
            tall = max(tall, 2.0) if value else 0
            x = LEFT + n * step
            when = point.started_at.strftime("%-d %b %Y, %H:%M")
            parts.append(
                f'<rect x="{x:.1f}" y="{bottom - tall:.1f}" width="{bar:.1f}" '
                f'height="{tall:.1f}" fill="{COLOURS[what]}" data-{what}="{value}">'
                f"<title>{escape(when)}: {value} {what}</title></rect>"
            )
    parts.append(
        f'<text x="{LEFT}" y="{height - 5}" font-size="14" fill="#0b0c0c">{escape(first)}</text>'
    )
    parts.append(
        f'<text x="{WIDTH - 10}" y="{height - 5}" font-size="14" fill="#0b0c0c" '
        f'text-anchor="end">{escape(last)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
