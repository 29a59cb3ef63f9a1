"""English UI text: one module per section (`playground.py`, `balance.py`, ...), found by listing this package.
Registry texts (names, descriptions, parameter help and labels) are not here: mtl_core's registries hold them."""
from ..parts import load_parts, merged

PARTS: dict[str, dict[str, str]] = load_parts(__name__, __path__)
STRINGS: dict[str, str] = merged(PARTS)
