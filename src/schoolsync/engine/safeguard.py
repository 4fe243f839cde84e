"""Safeguards: which planned changes are major enough to wait for a person. Pure.

An autosync must not silently lose work. These rules find the changes that could:

- `subject_gone`    a subject that was synced is gone from the MIS (its classes go with it);
- `class_gone`      a synced class is gone from the MIS;
- `class_emptied`   a class that had pupils would have none;
- `mass_pupil_leavers`, `mass_staff_leavers`
                    more than a share (default 10%) of the school's pupils or staff would leave
                    in one run: usually an MIS export gone wrong, not a real exodus;
- `mass_email_changes`
                    more than a share of users' emails would change: logins hang off them.

Each rule holds its changes together with everything that depends on them (a gone class holds
the removal of its pupils too; pupils held as leavers hold their contacts' leaving: see
`consequences`), so a held record stays exactly as it was. Partial mode (the default) applies
everything else; strict mode holds the whole run, as older products did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from schoolsync.engine.consequences import consequences
from schoolsync.model.changes import Change, Plan
from schoolsync.model.current import Current
from schoolsync.model.holds import RULES, Dependents, Guarded, Hold, Rule
from schoolsync.model.labels import count_of
from schoolsync.model.limits import Limits

__all__ = ["RULES", "Dependents", "Guarded", "Hold", "Rule", "find_holds", "safeguard"]


def safeguard(
    plan: Plan,
    current: Current,
    limits: Limits,
    dependents: Mapping[int, Dependents] | None = None,
) -> Guarded:
    holds = _with_consequences(find_holds(plan, current, limits, dependents or {}), plan, current)
    if not holds:
        return Guarded(plan, Plan(()), ())
    if limits.mode == "strict":
        return Guarded(Plan(()), plan, holds)
    apply_now, held_back = plan.split(change for hold in holds for change in hold.changes)
    return Guarded(apply_now, held_back, holds)


def find_holds(
    plan: Plan, current: Current, limits: Limits, dependents: Mapping[int, Dependents]
) -> tuple[Hold, ...]:
    rules = _Rules(plan.changes, current, limits, dependents)
    holds = [
        *rules.subjects_gone(),
        *rules.classes_gone(),
        *rules.classes_emptied(),
        *rules.mass_leavers(),
        *rules.mass_email_changes(),
    ]
    return tuple(h for h in holds if h.changes)


def _with_consequences(holds: Sequence[Hold], plan: Plan, current: Current) -> tuple[Hold, ...]:
    """Each hold with the changes that follow from it, each such change in the first hold
    it follows from."""
    taken = {id(change) for hold in holds for change in hold.changes}
    result = []
    for hold in holds:
        extra = [c for c in consequences(plan.changes, hold.changes, current) if id(c) not in taken]
        taken.update(id(c) for c in extra)
        if extra:
            hold = replace(
                hold, changes=(*hold.changes, *extra), losses=(*hold.losses, *_leavers(extra))
            )
        result.append(hold)
    return tuple(result)


def _leavers(changes: Sequence[Change]) -> list[str]:
    """['197 contacts marked as left']: people who would leave only alongside a held change."""
    leaving = Counter(c.entity for c in changes if c.kind == "leave")
    return [f"{count_of(role, n)} marked as left" for role, n in leaving.items()]  # type: ignore[arg-type]


class _Rules:
    def __init__(
        self,
        changes: Sequence[Change],
        current: Current,
        limits: Limits,
        dependents: Mapping[int, Dependents],
    ) -> None:
        self.changes = changes
        self.limits = limits
        self.dependents = dependents
        self.classes = {row["id"]: row for row in current.classes}
        self.subjects = {row["id"]: row for row in current.subjects}
        self.people = {row["id"]: row for row in current.people}
        self.pupils_in: Counter[int] = Counter(
            class_id for class_id, _, role in current.class_members if role == "student"
        )
        self.active = Counter(row["family"] for row in current.people if row["status"] == "active")
        self.taken: set[int] = set()  # changes already held by an earlier rule

    def _take(self, changes: Iterable[Change]) -> tuple[Change, ...]:
        fresh = tuple(c for c in changes if id(c) not in self.taken)
        self.taken.update(id(c) for c in fresh)
        return fresh

    def _class_parts(self, class_id: int) -> list[Change]:
        """A class's removal and the removal of its members."""
        return [
            c
            for c in self.changes
            if (c.entity == "class" and c.kind == "delete" and c.record_id == class_id)
            or (
                c.entity == "class_membership"
                and c.kind == "remove"
                and c.before.get("parent_id") == class_id
            )
        ]

    def _class_losses(self, class_id: int) -> list[str]:
        losses = []
        pupils = self.pupils_in.get(class_id, 0)
        if pupils:
            losses.append(f"{pupils} pupil{'s' if pupils != 1 else ''} from the class")
        if class_id in self.dependents:
            losses.append(self.dependents[class_id].describe())
        return losses

    def subjects_gone(self) -> list[Hold]:
        holds = []
        for change in self.changes:
            if change.entity != "subject" or change.kind != "delete":
                continue
            subject_id = change.record_id
            class_ids = [
                cid
                for cid, row in self.classes.items()
                if row["subject_id"] == subject_id and row["status"] == "active"
            ]
            parts = [change]
            pupils = 0
            items: Counter[str] = Counter()
            for class_id in class_ids:
                parts.extend(self._class_parts(class_id))
                pupils += self.pupils_in.get(class_id, 0)
                if class_id in self.dependents:
                    items[self.dependents[class_id].label] += self.dependents[class_id].count
            losses = [f"{n} {label}" for label, n in items.items()]
            if pupils:
                losses.insert(0, f"{pupils} pupil place{'s' if pupils != 1 else ''} in them")
            classes = len(class_ids)
            message = (
                f"Subject '{change.name}' is no longer in your MIS. Removing it would remove "
                f"{classes} class{'es' if classes != 1 else ''}"
                + (f" ({_summarise(losses)})" if losses else "")
                + "."
            )
            holds.append(
                Hold("subject_gone", change.name, message, self._take(parts), tuple(losses))
            )
        return holds

    def classes_gone(self) -> list[Hold]:
        holds = []
        for change in self.changes:
            if change.entity != "class" or change.kind != "delete" or id(change) in self.taken:
                continue
            class_id = change.record_id
            assert class_id is not None
            losses = self._class_losses(class_id)
            message = (
                f"Class '{change.name}' is no longer in your MIS. Removing it would remove "
                + (_summarise(losses) if losses else "the class")
                + "."
            )
            holds.append(
                Hold(
                    "class_gone",
                    change.name,
                    message,
                    self._take(self._class_parts(class_id)),
                    tuple(losses),
                )
            )
        return holds

    def classes_emptied(self) -> list[Hold]:
        removed: Counter[int] = Counter()
        added: Counter[int] = Counter()
        removals: dict[int, list[Change]] = {}
        for change in self.changes:
            if change.entity != "class_membership":
                continue
            values = change.before if change.kind == "remove" else change.after
            if values.get("role") != "student":
                continue
            parent = values.get("parent_id")
            if not isinstance(parent, int):
                continue  # a class this plan creates (a `NewRef`) had no pupils to lose
            if change.kind == "remove":
                removed[parent] += 1
                removals.setdefault(parent, []).append(change)
            else:
                added[parent] += 1
        holds = []
        for class_id, had in self.pupils_in.items():
            if had and removed[class_id] >= had and not added[class_id]:
                parts = self._take(removals[class_id])
                if not parts:
                    continue  # the class itself is going: held as class_gone
                name = self.classes[class_id]["name"]
                losses = [f"{had} pupil{'s' if had != 1 else ''} from the class"]
                if class_id in self.dependents:
                    losses.append(self.dependents[class_id].describe() + " for those pupils")
                message = (
                    f"Class '{name}' had {had} pupil{'s' if had != 1 else ''} and now "
                    "has none in your MIS. This is common at the start of a school year."
                )
                holds.append(Hold("class_emptied", name, message, parts, tuple(losses)))
        return holds

    def mass_leavers(self) -> list[Hold]:
        holds = []
        cases: tuple[tuple[str, Rule, str, float], ...] = (
            ("pupil", "mass_pupil_leavers", "pupils", self.limits.pupil_leavers_pct),
            ("employee", "mass_staff_leavers", "staff", self.limits.staff_leavers_pct),
        )
        for family, rule, noun, pct in cases:
            leaving = [
                c
                for c in self.changes
                if c.kind == "leave"
                and c.record_id is not None
                and self.people[c.record_id]["family"] == family
            ]
            share = _share(len(leaving), self.active[family])
            if len(leaving) < self.limits.mass_minimum or share <= pct:
                continue
            message = (
                f"{len(leaving)} {noun} would leave ({share:.0f}% of "
                f"{self.active[family]}), over the {pct:g}% limit. If your MIS export "
                "has lost people, correct it and the next sync will go ahead."
            )
            holds.append(
                Hold(
                    rule,
                    noun,
                    message,
                    self._take(leaving),  # their places and links: `consequences`
                    (f"{len(leaving)} {noun} marked as left",),
                )
            )
        return holds

    def mass_email_changes(self) -> list[Hold]:
        changing = [
            c
            for c in self.changes
            if c.kind == "update"
            and c.entity != "contact"
            and c.before.get("email")
            and "email" in c.after
        ]
        users = self.active["pupil"] + self.active["employee"]
        share = _share(len(changing), users)
        pct = self.limits.email_changes_pct
        if len(changing) < self.limits.mass_minimum or share <= pct:
            return []
        message = (
            f"{len(changing)} email addresses would change ({share:.0f}% of {users} "
            f"users), over the {pct:g}% limit. Usernames that follow emails would "
            "change too."
        )
        return [
            Hold(
                "mass_email_changes",
                "emails",
                message,
                self._take(changing),
                (f"{len(changing)} users' sign-in emails",),
            )
        ]


def _share(count: int, total: int) -> float:
    return 100.0 * count / total if total else (100.0 if count else 0.0)


def _summarise(losses: Sequence[str]) -> str:
    """['27 pupils from the class', '5 tasks'] -> '27 pupils from the class and 5 tasks'."""
    if len(losses) < 3:
        return " and ".join(losses)
    return ", ".join(losses[:-1]) + " and " + losses[-1]
