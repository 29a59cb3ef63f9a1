"""Label correlation vs task correlation ρ (MMoE paper, Fig. 2).

ρ is the cosine of the two tasks' weight vectors; the Pearson correlation of the labels is lower
because the sine terms decorrelate them. For each ρ we draw the synthetic data several times (each
draw: new directions u1, u2, inputs and noise, and new α/β unless `ab_mode="fixed"`) and measure the
Pearson correlation of the two training label columns. Pure: no training, no state.

    df = label_correlation(rhos=np.linspace(-1, 1, 21), draws=range(10))
    # rho, mean, sd, lower, upper (= mean ± 2 sd), n_draws
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..data import synthetic
from ..params import resolve_params


def label_pearson(rho: float, seed: int, **data_params) -> float:
    """Pearson correlation of the two labels of one synthetic draw (training split)."""
    p = resolve_params(synthetic.PARAMS, {"n_val": 100, "n_test": 100, **data_params, "rho": rho}, "data")
    return float(synthetic.build(p, seed).meta["label_pearson"])


def label_correlation(rhos: Sequence[float] = tuple(np.round(np.linspace(-1, 1, 11), 10)),
                      draws: Sequence[int] = range(10), *, n: int = 5000, ab_mode: str = "random",
                      per_draw: bool = False, **data_params) -> pd.DataFrame:
    """Label Pearson correlation for each ρ over `draws` (data seeds).

    data_params: any synthetic parameter (c, m, noise, d, ab_seed...). ab_mode "random" redraws α/β
    with every draw (the spread of Fig. 2); "fixed" keeps the ab_seed draw and varies the rest.
    Returns one row per ρ: rho, mean, sd, lower = mean − 2 sd, upper = mean + 2 sd, n_draws; or with
    per_draw=True one row per (rho, draw) with the measured `pearson`.
    """
    params = {"n_train": n, "ab_mode": ab_mode, **data_params}
    raw = pd.DataFrame([{"rho": float(r), "draw": int(s), "pearson": label_pearson(float(r), int(s), **params)}
                        for r in rhos for s in draws])
    if per_draw:
        return raw
    g = raw.groupby("rho")["pearson"]
    out = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1).fillna(0.0), "n_draws": g.size()}).reset_index()
    out["lower"], out["upper"] = out["mean"] - 2 * out["sd"], out["mean"] + 2 * out["sd"]
    return out[["rho", "mean", "sd", "lower", "upper", "n_draws"]]


__all__ = ["label_pearson", "label_correlation"]
