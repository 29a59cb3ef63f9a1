"""The pure maths behind the lessons' two interactive pieces (no streamlit; tested on their own).

* Lesson 9 — fusing task predictions into one ranking score, the way a ranking stage does online:
  a product with exponents  score = pCTR^a · pLike^b · (watch seconds)^c,  or a weighted sum of the
  predictions, each scaled by its mean over the catalogue. `rank()` orders a small catalogue of items.
* Lesson 1 — YouTube's weighted cross-entropy: clicked impressions weighted by their watch time T,
  skipped ones by 1. The best constant logit z of that loss has odds e^z = Σ_clicked T / #skipped,
  which is E[T | click] · p / (1 − p) and so ≈ the expected watch time per impression when p is small.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class Item:
    id: str  # i18n key suffix: lessons.item.<id>
    pctr: float  # predicted click probability
    plike: float  # predicted probability of a like after the click
    watch: float  # predicted watch time in seconds after the click


CATALOGUE: tuple[Item, ...] = (
    Item("clickbait", 0.30, 0.01, 8.0),
    Item("documentary", 0.06, 0.05, 240.0),
    Item("cooking", 0.15, 0.08, 70.0),
    Item("music", 0.20, 0.04, 45.0),
    Item("tutorial", 0.04, 0.15, 120.0),
    Item("pets", 0.22, 0.06, 25.0),
)
SIGNALS = ("pctr", "plike", "watch")
MODES = ("product", "sum")


def scores(items: Sequence[Item], weights: Sequence[float], mode: str = "product") -> np.ndarray:
    """One fused score per item. product: Π signal^weight (a weight of 0 drops that signal);
    sum: Σ weight · signal / mean(signal over the items), so the three signals are on one scale."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if len(weights) != len(SIGNALS):
        raise ValueError(f"one weight per signal {SIGNALS}")
    values = np.array([[getattr(it, s) for s in SIGNALS] for it in items], dtype=float)
    w = np.asarray(weights, dtype=float)
    if mode == "product":
        return np.exp(np.log(values) @ w)
    return (values / values.mean(axis=0)) @ w


def rank(items: Sequence[Item], weights: Sequence[float], mode: str = "product") -> list[Item]:
    """The items, best first (ties keep catalogue order)."""
    s = scores(items, weights, mode)
    order = sorted(range(len(items)), key=lambda i: (-s[i], i))
    return [items[i] for i in order]


# ---- weighted cross-entropy (lesson 1) ------------------------------------------------------------------
def wce_odds(p_click: float, mean_watch: float) -> float:
    """Odds e^z of the best constant logit under watch-time-weighted cross-entropy, in expectation."""
    return mean_watch * p_click / (1.0 - p_click)


def simulate_impressions(p_click: float, mean_watch: float, n: int = 20_000, seed: int = 0
                         ) -> tuple[np.ndarray, np.ndarray]:
    """n impressions: clicked (0/1) and watch seconds (exponential with mean `mean_watch`; 0 if skipped)."""
    rng = np.random.default_rng(seed)
    clicked = (rng.random(n) < p_click).astype(float)
    watch = rng.exponential(mean_watch, n) * clicked
    return clicked, watch


def fit_wce_logit(clicked: np.ndarray, watch: np.ndarray) -> float:
    """The constant logit minimising Σ_clicked T·(−log σ(z)) + Σ_skipped (−log(1 − σ(z))): closed form."""
    positive = float(watch[clicked > 0].sum())
    negative = float((clicked == 0).sum())
    if positive <= 0 or negative <= 0:
        raise ValueError("need clicked impressions with watch time and skipped impressions")
    return float(np.log(positive / negative))
