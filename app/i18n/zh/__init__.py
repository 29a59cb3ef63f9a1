"""中文 UI text: one module per section (`playground.py`, `balance.py`, ...), found by listing this package, with
the same keys as English (a test checks), and `registry/`: the registry texts by kind, keyed by id, each with the hash
of the English it was translated from (`python -m app.i18n.stamp`)."""
from ..parts import load_parts, merged

PARTS: dict[str, dict[str, str]] = load_parts(__name__, __path__)
STRINGS: dict[str, str] = merged(PARTS)
