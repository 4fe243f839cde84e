"""A CTF's bytes to an element tree, safely, with namespaces dropped. Pure.

CTFs are uploaded by users, so the XML parser is hostile-input hardened: `defusedxml` refuses any
document type declaration, entity declaration or external reference as soon as the parser meets
it, before anything is expanded or fetched (billion laughs, XXE). No genuine CTF has a DOCTYPE.
Every parser failure becomes a `FileFormatError` naming the file and the line and column.

Namespaces vary between CTF generations (CTF 9 and 10 declared a default namespace; today's
writers use none), so every tag is reduced to its local name once, here, and the readers can
use plain names.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring as _defused_fromstring  # type: ignore[import-untyped]

from schoolsync.errors import FileFormatError

_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")


def parse_xml(data: bytes, file: str) -> ET.Element:
    try:
        root: ET.Element = _defused_fromstring(
            _readable(data, file), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise FileFormatError(
            "contains a document type or entity declaration (<!DOCTYPE> or <!ENTITY>). No "
            "Common Transfer File has one, and it can make a file read other files or grow "
            "without end, so the file was refused",
            file=file,
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        detail = str(exc).split(":")[0]
        where = f"line {line}, column {column + 1}"
        raise FileFormatError(
            f"is not well-formed XML ({detail})", file=file, where=where
        ) from None
    except (LookupError, ValueError) as exc:  # an unknown or unusable declared encoding
        raise FileFormatError(f"cannot be read as XML ({str(exc)[:100]})", file=file) from None
    for element in root.iter():
        tag = element.tag
        if isinstance(tag, str) and tag.startswith("{"):
            element.tag = tag.rpartition("}")[2]
    return root


def _readable(data: bytes, file: str) -> bytes:
    """The bytes, re-encoded as UTF-8 when a file claims UTF-8 but holds Windows-1252.

    Hand-edited and older CTFs do this (an accented name saved by a Windows editor); the parser
    would stop at the first such letter, and the admin could not fix it in their MIS."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.match(data)
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return data  # the file says what it is; let the parser honour it
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("cp1252")
    except UnicodeDecodeError:
        raise FileFormatError(
            "is not a text file (it is neither UTF-8 nor Windows-1252 XML)", file=file
        ) from None
    return _DECLARATION.sub(b"", text.encode("utf-8"), count=1)


def text_of(element: ET.Element | None, path: str) -> str | None:
    """The stripped text at `path` below `element`, or None when missing or blank.

    Compares with `is None` on purpose: an element without children is falsy, which is the
    classic bug of `find(a) or find(b)` in CTF readers."""
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def first_text(element: ET.Element, *paths: str) -> str | None:
    for path in paths:
        value = text_of(element, path)
        if value is not None:
            return value
    return None
