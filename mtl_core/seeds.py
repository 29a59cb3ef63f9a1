"""Seed lists from text, checked by size before anything is expanded.

One parser for every place a learner types seeds (the CLI's --seeds, the pages' seed fields, presets):
"20" means seeds 0..19 and "100-119" seeds 100..119. The count is computed from the two ends and
compared with the cap first, so "0-40000000" or a 30-digit number is refused in constant memory.
"""
from __future__ import annotations

from .params import ConfigError

MAX_SEED = 2**31 - 1  # seeds feed torch.Generator.manual_seed and NumPy, which take 32-bit-safe ints here
_MAX_DIGITS = 12  # longer numerals are refused before int() (int() of a huge numeral costs quadratic time)
SEEDS_HELP = "a count (e.g. 20 = seeds 0-19) or a range like 100-119"


def _int(text: str) -> int:
    text = text.strip()
    if not text or len(text) > _MAX_DIGITS or not text.isascii() or not text.isdigit():
        raise ValueError(text)
    return int(text)


def seed_span(text: object, field: str = "seeds", most: int = 10_000) -> tuple[int, int]:
    """(first, last) of the seeds `text` names, inclusive; ConfigError naming `field` unless
    1 <= count <= `most` and every seed is in [0, MAX_SEED]."""
    bad = ConfigError(field, text, f"{SEEDS_HELP}, at most {most} seeds, each in [0, {MAX_SEED}]")
    s = str(text).strip()
    try:
        if "-" in s[1:]:
            lo_text, hi_text = s.split("-", 1)
            lo, hi = _int(lo_text), _int(hi_text)
        else:
            lo, hi = 0, _int(s) - 1
    except ValueError:
        raise bad from None
    if hi < lo or hi - lo + 1 > most or hi > MAX_SEED:
        raise bad
    return lo, hi


def parse_seeds(text: object, field: str = "seeds", most: int = 10_000) -> list[int]:
    """The seeds `text` names, as a list (checked by `seed_span` before it is built)."""
    lo, hi = seed_span(text, field, most)
    return list(range(lo, hi + 1))


def format_seeds(seeds) -> str:
    """Inverse of parse_seeds for a contiguous range: "100-119"."""
    seeds = list(seeds)
    return f"{seeds[0]}-{seeds[-1]}"


def count_runs(seeds, axes=None) -> int:
    """Runs of a study: its seeds times every axis' number of values (one place for this product)."""
    n = len(seeds)
    for values in (axes or {}).values():
        n *= len(values)
    return n
