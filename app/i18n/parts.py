"""One language's UI text: every module in its package (`en/balance.py`, `zh/balance.py`, ...) is one part, a
`STRINGS` dict, found by listing the package, so a section's strings are just its two files.

A value is the text, or (text, hash of the English it was translated from) in a registry table (see
`app.i18n.sources`); the hash is for the stamp check, the UI sees the text.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable


def text_of(value: str | tuple[str, str]) -> str:
    return value if isinstance(value, str) else value[0]


def load_parts(package: str, path: Iterable[str]) -> dict[str, dict[str, str]]:
    """{module name: its STRINGS, text only} for every module of the package, in name order."""
    parts = {}
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        strings = importlib.import_module(f"{package}.{info.name}").STRINGS
        parts[info.name] = {key: text_of(value) for key, value in strings.items()}
    return parts


def merged(parts: dict[str, dict[str, str]]) -> dict[str, str]:
    return {key: text for part in parts.values() for key, text in part.items()}
