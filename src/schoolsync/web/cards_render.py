"""Login cards as one HTML file to print (`schoolsync login-cards --output`): the web page's
cards, with their styles inside, so the file opens anywhere."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from schoolsync.services.login_cards import LoginCards


def cards_file(cards: LoginCards) -> str:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
    )
    env.filters["when"] = lambda moment: moment.strftime("%-d %b %Y") if moment else ""
    return env.get_template("login_cards_file.html").render(cards=cards)
