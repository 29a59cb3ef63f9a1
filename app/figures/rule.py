"""The one statistics rule's sentence (`mtl_core.stats`) in the page's language: the word follows the 95 %
interval, and the interval and the seeds that agree are always printed beside it. Pure: numbers in, text out."""
from __future__ import annotations

import math

from ..i18n import EN, Translator

MIN_SEEDS = 3  # as mtl_core.stats: below this there is no interval


def effect_text(rel: float, low: float, high: float, pct: bool = True) -> str:
    """"+53 % [+31, +70]" from a relative effect and its interval (fractions, 0.53 = 53 %), or with pct=False
    an absolute one: "+0.052 [+0.041, +0.063]" (AUC points)."""
    fmt = (lambda x: f"{100 * x:+.0f}") if pct else (lambda x: f"{x:+.3f}")  # noqa: E731
    unit = " %" if pct else ""
    if not all(math.isfinite(x) for x in (rel, low, high)):
        return f"{fmt(rel)}{unit}" if math.isfinite(rel) else "—"
    return f"{fmt(rel)}{unit} [{fmt(low)}, {fmt(high)}]"


def rule_text(word: str, agree: int, n: int, rel: float, low: float, high: float, tr: Translator = EN,
              pct: bool = True) -> str:
    """"better on 5/5 seeds, +53 % [+31, +70]" (word: better | worse | unclear, as `Paired.word`)."""
    if n < MIN_SEEDS:
        return tr("rule.too_few", n=n)
    effect = effect_text(rel, low, high, pct)
    if word == "better":
        return tr("rule.better", agree=agree, n=n, effect=effect)
    if word == "worse":
        return tr("rule.worse", k=n - agree, n=n, effect=effect)
    return tr("rule.unclear", agree=agree, n=n, effect=effect)


def paired_text(p, tr: Translator = EN, pct: bool = True) -> str:
    """`rule_text` of a `mtl_core.stats.Paired`: relative to b's mean, or with pct=False in the metric's units."""
    if pct:
        return rule_text(p.word, p.agree, p.n, p.rel, p.rel_low, p.rel_high, tr)
    return rule_text(p.word, p.agree, p.n, p.mean, p.low, p.high, tr, pct=False)


__all__ = ["effect_text", "rule_text", "paired_text"]
