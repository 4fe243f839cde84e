"""Who may use schoolsync's web app and API: roles, the user value, password and token hashing.

Pure apart from argon2's hashing; the store keeps users (`store/accounts.py`).

    vendor-admin    every school; manages users
    vendor-support  every school; reads and starts syncs; cannot approve
    school-admin    one school; everything for it, approving included
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from schoolsync.errors import ConfigError

ROLES = ("vendor-admin", "vendor-support", "school-admin")
ROLE_LABELS = {
    "vendor-admin": "Vendor admin",
    "vendor-support": "Vendor support",
    "school-admin": "School admin",
}
MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()
#: verified against when the email is unknown, so that a wrong email takes as long as a wrong
#: password and the timing does not tell which accounts exist


@functools.cache
def _dummy_hash() -> str:
    # Made on first use, not at import: hashing costs start-up time for every CLI command.
    return _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    role: str
    #: the school a school admin belongs to (None for vendor staff)
    school_id: int | None
    school_key: str | None

    @property
    def is_vendor(self) -> bool:
        return self.role in ("vendor-admin", "vendor-support")

    def sees(self, school_id: int) -> bool:
        """Tenant isolation in one place: vendor staff see every school, a school admin one."""
        return self.is_vendor or self.school_id == school_id

    @property
    def can_approve(self) -> bool:
        return self.role in ("vendor-admin", "school-admin")


def check_new_account(email: str, role: str, school_key: str | None) -> str:
    """The normalised email, or a ConfigError naming the field that is wrong."""
    normalised = email.strip().lower()
    if not _EMAIL.match(normalised):
        raise ConfigError(f"EMAIL must be an email address, like name@school.org, not {email!r}")
    if role not in ROLES:
        raise ConfigError(f"--role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "school-admin" and not school_key:
        raise ConfigError("a school admin belongs to one school: give --school KEY")
    if role != "school-admin" and school_key:
        raise ConfigError(f"--school is only for school admins; a {role} sees every school")
    return normalised


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ConfigError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is an account (`stored_hash` None)."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """A one-time password to print: 16 url-safe characters."""
    return secrets.token_urlsafe(12)


def new_secret() -> str:
    """A session id or API token: 256 random bits."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What the store keeps of a session id or API token (they are random, so sha256 is
    enough: there is no password to guess)."""
    return hashlib.sha256(secret.encode()).hexdigest()
