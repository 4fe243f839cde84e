"""Settings, read from the environment by entry points (never at import time).

This module is the only one that reads `os.environ`: each entry point (the CLI, the web server,
a worker) builds one `Settings` with `Settings.from_env()` and passes it down, so the services
below never look at the environment themselves and tests hand them any settings they like.

With no configuration at all schoolsync runs on an embedded SQLite file in the user's data
folder (`default_home()`, or `$SCHOOLSYNC_HOME`), next to a generated key that encrypts stored
Wonde tokens. The folder is per user, not per working directory: a command run from another
folder or from cron finds the same schools instead of silently starting an empty store.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet

from schoolsync.errors import ConfigError
from schoolsync.private_paths import private_folder

APP_NAME = "schoolsync"


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where alert emails go out; none configured means no emails."""

    host: str
    port: int = 25
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "schoolsync@localhost"
    starttls: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        host = env.get("SCHOOLSYNC_SMTP_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(_float(env, "SCHOOLSYNC_SMTP_PORT", 25)),
            username=env.get("SCHOOLSYNC_SMTP_USER") or None,
            password=env.get("SCHOOLSYNC_SMTP_PASSWORD") or None,
            sender=env.get("SCHOOLSYNC_SMTP_FROM", "schoolsync@localhost"),
            starttls=env.get("SCHOOLSYNC_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    home: Path
    secret_key: bytes = field(repr=False)
    wonde_timeout_seconds: float = 30.0
    wonde_max_attempts: int = 5
    wonde_max_backoff_seconds: float = 60.0
    #: Alert emails; None sends none.
    smtp: SmtpSettings | None = None
    #: The Wonde token `school add` and `school connect` use when none is given.
    wonde_token: str | None = field(default=None, repr=False)
    #: Wonde's API base (`SCHOOLSYNC_WONDE_URL`) where access is asked for when none is given;
    #: None: Wonde's own (a sandbox's, for trying the whole flow out).
    wonde_url: str | None = None
    #: The REST API's bootstrap token (a vendor admin's rights); None accepts users' own only.
    api_token: str | None = field(default=None, repr=False)
    #: Who is at the keyboard ($USER): the approver recorded when none is named.
    operator: str | None = None
    log_level: str = "WARNING"
    #: Where the web app is reached (`SCHOOLSYNC_BASE_URL`): emails link to its pages.
    base_url: str | None = None
    #: An attendance mark the MIS has not confirmed this long after it was made is failed
    #: (`SCHOOLSYNC_WRITEBACK_FAIL_AFTER`, minutes) and the school is emailed.
    writeback_fail_after_minutes: float = 60.0
    #: Celery's broker for `schoolsync worker` and `scheduler` (amqp://... or redis://...).
    broker_url: str | None = field(default=None, repr=False)
    #: Redis shared by the workers for the pace of Wonde requests; None: each process its own.
    pace_url: str | None = field(default=None, repr=False)
    #: Concurrent requests to Wonde at most, overall and per school.
    wonde_concurrency: int = 8
    wonde_concurrency_per_school: int = 2
    #: Worker threads of `schoolsync serve` (and processes of `schoolsync worker`).
    workers: int = 2
    #: How often the scheduler looks for due schools and dead runs (seconds).
    scheduler_every_seconds: float = 30.0
    #: How long a scheduled sync waits when its school is busy with another (seconds).
    busy_retry_seconds: float = 60.0
    #: The name of the broker's queues (and of the shared pace's keys).
    queue_name: str = "schoolsync"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = environment() if environ is None else environ
        home = home_from(env)
        url = env.get("SCHOOLSYNC_DATABASE_URL") or f"sqlite:///{home / 'schoolsync.db'}"
        if url.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; the bare scheme would ask for psycopg2.
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        key = env.get("SCHOOLSYNC_SECRET_KEY")
        secret = key.encode() if key else _key_file(home)
        try:
            Fernet(secret)
        except ValueError as exc:
            raise ConfigError(
                "SCHOOLSYNC_SECRET_KEY must be a Fernet key (32 url-safe base64 bytes)"
            ) from exc
        return cls(
            database_url=url,
            home=home,
            secret_key=secret,
            wonde_timeout_seconds=_float(env, "SCHOOLSYNC_WONDE_TIMEOUT", 30.0),
            wonde_max_attempts=int(_float(env, "SCHOOLSYNC_WONDE_MAX_ATTEMPTS", 5)),
            smtp=SmtpSettings.from_env(env),
            wonde_token=env.get("SCHOOLSYNC_WONDE_TOKEN") or None,
            wonde_url=_wonde_url(env),
            api_token=env.get("SCHOOLSYNC_API_TOKEN") or None,
            operator=operator(env),
            log_level=log_level(env),
            base_url=_base_url(env),
            writeback_fail_after_minutes=_float(env, "SCHOOLSYNC_WRITEBACK_FAIL_AFTER", 60.0),
            broker_url=env.get("SCHOOLSYNC_BROKER_URL") or None,
            pace_url=_pace_url(env),
            wonde_concurrency=_count(env, "SCHOOLSYNC_WONDE_CONCURRENCY", 8),
            wonde_concurrency_per_school=_count(env, "SCHOOLSYNC_WONDE_CONCURRENCY_PER_SCHOOL", 2),
            workers=_count(env, "SCHOOLSYNC_WORKERS", 2),
            scheduler_every_seconds=_float(env, "SCHOOLSYNC_SCHEDULER_EVERY", 30.0),
            busy_retry_seconds=_float(env, "SCHOOLSYNC_BUSY_RETRY", 60.0),
            queue_name=env.get("SCHOOLSYNC_QUEUE") or "schoolsync",
        )


def _wonde_url(environ: Mapping[str, str]) -> str | None:
    raw = (environ.get("SCHOOLSYNC_WONDE_URL") or "").strip()
    if raw and not raw.startswith(("http://", "https://")):
        raise ConfigError(f"SCHOOLSYNC_WONDE_URL must start with http:// or https://, not {raw!r}")
    return raw or None


def environment() -> Mapping[str, str]:
    """The process's environment: read here and nowhere else in schoolsync."""
    return os.environ


def operator(environ: Mapping[str, str]) -> str | None:
    """Who is at the keyboard ($USER, else $LOGNAME: cron and some containers set only one):
    the approver recorded when a person names nobody."""
    for name in ("USER", "LOGNAME"):
        if found := (environ.get(name) or "").strip():
            return found
    return None


def _base_url(environ: Mapping[str, str]) -> str | None:
    from schoolsync.alerts import base_url_from  # the check lives with the links it makes

    return base_url_from(environ)


def log_level(environ: Mapping[str, str]) -> str:
    """Logs carry run ids, school keys and counts only; WARNING keeps a terminal quiet."""
    return environ.get("SCHOOLSYNC_LOG_LEVEL", "WARNING").upper()


def default_home() -> Path:
    """The per-user data folder (e.g. ~/.local/share/schoolsync on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def home_from(environ: Mapping[str, str]) -> Path:
    """Where the embedded store lives: `$SCHOOLSYNC_HOME` if set, else `default_home()`.
    Made absolute, so that messages name it unambiguously."""
    raw = environ.get("SCHOOLSYNC_HOME")
    return (Path(raw).expanduser() if raw else default_home()).absolute()


#: Where versions before the per-user folder kept the store: relative to the working directory.
LEGACY_HOME = Path(".schoolsync")


def legacy_store_hint(environ: Mapping[str, str], cwd: Path) -> str | None:
    """A note for someone whose schools are still in an old `./.schoolsync` store: without it
    they would meet an empty store and think their schools lost."""
    if environ.get("SCHOOLSYNC_HOME") or environ.get("SCHOOLSYNC_DATABASE_URL"):
        return None
    old = (cwd / LEGACY_HOME).absolute()
    if not (old / "schoolsync.db").exists():
        return None
    return (
        f"Note: {old} holds a store from an older schoolsync, which now keeps its data in "
        f"{home_from(environ)}. Move the folder's files there, or set SCHOOLSYNC_HOME={old} "
        "to go on using it."
    )


def _pace_url(env: Mapping[str, str]) -> str | None:
    """Where the workers share their pace: `SCHOOLSYNC_PACE_URL`, else a Redis broker."""
    given = env.get("SCHOOLSYNC_PACE_URL")
    if given:
        return given
    broker = env.get("SCHOOLSYNC_BROKER_URL") or ""
    return broker if broker.startswith(("redis://", "rediss://")) else None


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    value = _float(env, name, default)
    if value < 1 or value != int(value):
        raise ConfigError(f"{name} must be a whole number of at least 1, not {env.get(name)!r}")
    return int(value)


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from exc


def _key_file(home: Path) -> bytes:
    """The embedded default's key: made once, readable only by its owner."""
    path = home / "secret.key"
    if path.exists():
        return path.read_bytes().strip()
    private_folder(home)
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key
