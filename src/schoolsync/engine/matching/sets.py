"""Sets versus forms: the warning before a merge when the product has pupils in teaching sets
(6Ma1, 6Ma2) and the MIS only has form classes (6H, 6Y). Pure.

The sync copies the MIS's classes, so it would move those pupils out of the sets and into the
forms; some schools want that and some do not, and only they can say (TT Rock Stars' "When NOT
to use Wonde").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from schoolsync.engine.matching.classes import ExistingClass

#: a year, a subject and a set number: 6Ma1, 10 Sc 2, Y9Ma3, 8x/Ma1
_SET = re.compile(r"^(y(ear)?\s*)?\d{1,2}\s*[a-z]{0,2}[/-]?\s*[a-z]{1,4}\s*-?\s*\d{1,2}$|\bsets?\b")
#: a year and a tutor's letters: 6H, 10AB, Y7 RT
_FORM = re.compile(r"^(y(ear)?\s*)?\d{1,2}\s*[a-z]{1,3}$")


def looks_like_set(name: str) -> bool:
    return bool(_SET.search(name.strip().casefold()))


def looks_like_form(name: str) -> bool:
    return bool(_FORM.match(name.strip().casefold()))


def sets_warning(
    existing: Sequence[ExistingClass], mis_class_names: Collection[str], linked: Collection[int]
) -> str | None:
    """The warning, or None. `linked` are the existing accounts a merge would link to the MIS:
    the pupils the sync would then move."""
    if any(looks_like_set(name) for name in mis_class_names):
        return None
    forms = sorted(name for name in mis_class_names if looks_like_form(name))
    if not forms:
        return None
    sets = [c for c in existing if looks_like_set(c.name) and c.pupils & set(linked)]
    if not sets:
        return None
    affected = set().union(*(c.pupils for c in sets)) & set(linked)
    set_names = _listed(sorted(c.name for c in sets))
    form_names = _listed(forms)
    return (
        f"Your pupils are in sets here ({set_names}) but your MIS only has them in their form "
        f"classes ({form_names}). If you sync with your MIS, it's going to move the pupils out "
        f"of {set_names} and put them into {form_names}: {len(affected)} pupil"
        f"{'s' if len(affected) != 1 else ''} affected. The sync will always try to be a "
        "copycat of what's on your MIS. If you want them in different classes here, the MIS "
        "sync isn't for you: disconnect it instead."
    )


def _listed(names: Sequence[str], most: int = 6) -> str:
    shown = list(names[:most])
    if len(names) > most:
        shown.append(f"{len(names) - most} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
