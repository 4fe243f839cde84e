"""Help that reads as English: `--alert-email TEXT`, `SCHOOL`, never `<list[str]>` or `{school}`.

Typer labels every value with its Python type; a school's admin should not need to know what
`<list[str]>` means. Every argument and option without a metavar of its own gets a plain one.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption

#: Python type names (as Typer reports them) and what help shows instead.
_PLAIN_TYPES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Path": "PATH"}


def plain_metavars(command: Any) -> None:
    """Give every parameter in the command tree (Typer's Click commands) a plain metavar."""
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.metavar = param.metavar or (param.name or "value").upper()
            # The name says what it is (SCHOOL, FILE); Typer would add `<str>` after it.
            setattr(param, "display_type_rich", _no_type)  # noqa: B010
        elif param.metavar is None and isinstance(param, TyperOption) and not param.is_flag:
            param.metavar = _plain_type(param)
    for child in getattr(command, "commands", {}).values():
        plain_metavars(child)


def _no_type(ctx: Any = None) -> None:
    return None


def _plain_type(param: TyperOption) -> str:
    bare = param.bare_type()
    if bare.startswith("list[") and bare.endswith("]"):
        bare = bare[5:-1]  # repeatable: the help text says so
    return _PLAIN_TYPES.get(bare, "TEXT")
