"""How alike two people's names are, from 0 to 1. Pure.

Names reach a product typed by hand and the MIS from the office, so the same child can be
"Jon Smith" in one and "Jonathan Smith-Jones" in the other. A name is folded (accents off,
case and punctuation ignored) and then compared part by part:

- forenames: equal, a known short form ("Jon" and "Jonathan", "Bill" and "William"), one the
  start of the other ("Alex", "Alexander"), else rapidfuzz's similarity (typos);
- surnames: equal once spaces and hyphens are gone, one double-barrelled name containing the
  other ("Smith" in "Smith-Jones"), else rapidfuzz's similarity.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

_NON_ALPHA = re.compile(r"[^a-z ]+")

#: Short forms schools meet, each group one name. A name may be in two groups (Jack).
_SHORT_FORMS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "jon john jonathan johnny jonny jonty",
        "jack john jackson",
        "tom thomas tommy",
        "will william bill billy liam",
        "alex alexander alexandra alexa sasha",
        "sam samuel samantha sammy",
        "ben benjamin benny",
        "dan daniel danny",
        "matt matthew matty",
        "mike michael mikey mick",
        "chris christopher christine christina kit",
        "kate katie katherine catherine kathryn kat cath",
        "liz lizzie elizabeth beth eliza libby betty",
        "jess jessica jessie",
        "becky rebecca becca",
        "josh joshua",
        "charlie charles charlotte lottie",
        "ellie eleanor ella elle nell",
        "harry henry hal",
        "jim james jamie jimmy",
        "nick nicholas nicky",
        "rob robert bob bobby robbie bert",
        "ted edward ed eddie teddy ned",
        "sophie sophia",
        "abi abigail abby",
        "maddie madison madeleine madeline",
        "izzy isabella isabel isobel bella",
        "freddie frederick fred freddy",
        "alfie alfred",
        "ollie oliver",
        "livvy olivia liv",
        "theo theodore",
        "zach zachary zack",
        "andy andrew drew",
        "tony anthony",
        "steve stephen steven",
        "pete peter",
        "rich richard ricky rick",
        "meg megan margaret maggie",
        "millie amelia emilia mila",
        "evie eve evelyn",
        "gabe gabriel",
        "nat natalie natasha tasha",
    )
)


def fold(name: str | None) -> str:
    """'Siân O'Connor-Smith' -> 'sian oconnor smith': ASCII, lower case, words only."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    text = decomposed.encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("\u2019", "")
    return " ".join(_NON_ALPHA.sub(" ", text).split())


def forename_likeness(one: str | None, other: str | None) -> float:
    a, b = fold(one), fold(other)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    first_a, first_b = a.split()[0], b.split()[0]
    if first_a == first_b:
        return 0.97  # a middle name typed into one forename field
    if any(first_a in group and first_b in group for group in _SHORT_FORMS):
        return 0.95
    shorter, longer = sorted((first_a, first_b), key=len)
    if len(shorter) >= 3 and longer.startswith(shorter):
        return 0.9
    return fuzz.ratio(a, b) / 100


def surname_likeness(one: str | None, other: str | None) -> float:
    a, b = fold(one), fold(other)
    if not a or not b:
        return 0.0
    if a.replace(" ", "") == b.replace(" ", ""):
        return 1.0
    words_a, words_b = set(a.split()), set(b.split())
    if words_a <= words_b or words_b <= words_a:
        return 0.9  # one part of a double-barrelled name
    return fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")) / 100


def name_likeness(
    forenames: tuple[str | None, str | None], surnames: tuple[str | None, str | None]
) -> float:
    """Forenames and surnames as (this side, the other side); the surname weighs more, since
    forenames have short forms and surnames rarely do."""
    return 0.4 * forename_likeness(*forenames) + 0.6 * surname_likeness(*surnames)
