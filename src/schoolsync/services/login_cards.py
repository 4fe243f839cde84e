"""Login cards: each pupil's username and an initial password, per class, for the class
teacher to hand out. The MIS has neither (TT Rock Stars: "the Wonde uploader will always create
usernames and passwords for you").

A password is shown once, on the cards made when it is made; the store keeps only its argon2
hash. Cards made again show the username and say that the password was given out before,
unless new passwords are asked for (`reissue`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schoolsync.errors import NotFound

if TYPE_CHECKING:
    import sqlalchemy as sa

#: short, common words a seven-year-old can read and type
WORDS = (
    "apple", "banana", "bear", "bird", "boat", "cake", "cat", "cloud", "cow", "crab", "dog",
    "duck", "fish", "frog", "goat", "hat", "hill", "horse", "kite", "lamp", "leaf", "lion",
    "moon", "mouse", "nest", "owl", "panda", "pear", "pig", "plum", "rain", "river", "robin",
    "rock", "rose", "seal", "sheep", "ship", "snow", "sock", "star", "sun", "swan", "tiger",
    "tree", "train", "wave", "whale", "wolf", "zebra", "acorn", "bell", "brick", "candle",
    "daisy", "drum", "egg", "feather", "flag", "garden", "glove", "honey", "island", "jelly",
    "kettle", "ladder", "lemon", "magnet", "maple", "melon", "mitten", "noodle", "ocean",
    "orange", "otter", "paper", "pencil", "pepper", "puppy", "rabbit", "rocket", "salad",
    "shell", "spoon", "storm", "sugar", "table", "teapot", "thunder", "tomato", "turtle",
    "violin", "wagon", "window", "yogurt",
)  # fmt: skip


def new_password() -> str:
    """Three words and two digits: about 2^26 choices, for a first sign-in only."""
    words = [secrets.choice(WORDS) for _ in range(3)]
    return f"{'-'.join(words)}-{secrets.randbelow(90) + 10}"


@dataclass(frozen=True, slots=True)
class Card:
    name: str
    username: str | None
    #: the initial password, on the cards that made it; None when given out before
    password: str | None
    issued_before: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class LoginCards:
    school_name: str
    class_name: str
    teachers: tuple[str, ...]
    cards: tuple[Card, ...]


def card_classes(engine: sa.Engine, key: str) -> list[tuple[int, str, int]]:
    from schoolsync.store.login_cards import classes_with_pupils
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return classes_with_pupils(conn, get_school(conn, key).id)


def issue_cards(
    engine: sa.Engine,
    key: str,
    class_ref: int | str,
    *,
    reissue: bool = False,
    now: dt.datetime | None = None,
) -> LoginCards:
    """Cards for a class (its id, or MIS id, product id or name): new initial passwords for
    the pupils who have none yet (or for all, with `reissue`), hashed in the same transaction."""
    from argon2 import PasswordHasher

    from schoolsync.store import login_cards as store
    from schoolsync.store.schools import get_school

    hasher = PasswordHasher()
    with engine.begin() as conn:
        school = get_school(conn, key)
        class_id = (
            class_ref
            if isinstance(class_ref, int)
            else store.find_class(conn, school.id, class_ref)
        )
        found = store.roster(conn, school.id, class_id) if class_id is not None else None
        if found is None:
            raise NotFound(
                f"No class {class_ref!r} in {school.name}: `schoolsync login-cards {key}` lists "
                "the classes."
            )
        cards: list[Card] = []
        hashes: dict[int, str] = {}
        for person_id, forename, surname, username in found.pupils:
            name = f"{forename} {surname}"
            if person_id in found.issued and not reissue:
                cards.append(Card(name, username, None, found.issued[person_id]))
                continue
            password = new_password()
            hashes[person_id] = hasher.hash(password)
            cards.append(Card(name, username, password))
        store.save_passwords(conn, school.id, hashes, now or dt.datetime.now(dt.UTC))
    return LoginCards(school.name, found.name, found.teachers, tuple(cards))
