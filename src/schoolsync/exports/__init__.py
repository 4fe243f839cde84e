"""Exports: the store's current roster, written in formats other systems read.

Public surface:
- `export_oneroster`: a OneRoster 1.2 bulk CSV package (a directory) for one school.
"""

from __future__ import annotations

from schoolsync.exports.oneroster import export_oneroster

__all__ = ["export_oneroster"]
