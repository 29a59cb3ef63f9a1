"""Verdicts on the MMoE paper's four synthetic-data claims, computed from a records results table.

Ma et al., KDD 2018, §3.3–3.4 (Fig. 4 and 5), on data whose task correlation ρ is set:
  (a) every model does worse as ρ falls;
  (b) MMoE's loss rises much less from ρ = 1 to ρ = 0.5 than Shared-Bottom's and OMoE's;
  (c) at ρ = 1, MMoE ≈ OMoE (with identical tasks a per-task gate has nothing to add);
  (d) Shared-Bottom's final loss is the most spread across runs (trainability, Fig. 5).

    from mtl_core.experiments.claims import verdicts
    for v in verdicts(read_results("results.csv")):
        print(v.claim, v.holds, v.sentence_en)

A run's loss is the mean over its tasks of `loss` ("test_loss" by default, or "val_loss"), one number
per (arch, ρ, seed). Diverged runs have no loss: they are counted and always left out of the means.
Runs with a collapsed task (a dead tower predicting a constant) are counted and kept, unless
`exclude_collapsed=True`; runs that failed to train (`failed_runs`: a loss over 3× the median of
their model and ρ, typically one task stuck near its label variance) are named and kept, unless
`exclude_failed=True` (which leaves out the collapsed ones too); every verdict's numbers say which. The
thresholds are parameters and are echoed in the numbers, so a page can show exactly what was tested.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

ARCHS = ("shared_bottom", "omoe", "mmoe")
NAMES = {"shared_bottom": "Shared-Bottom", "omoe": "OMoE", "mmoe": "MMoE"}
CLAIMS = {
    "a": "every model does worse as the task correlation falls",
    "b": "MMoE's loss rises much less than Shared-Bottom's and OMoE's as the correlation falls",
    "c": "with identical tasks (ρ = 1) MMoE and OMoE do about as well",
    "d": "Shared-Bottom's final loss is the most spread across runs",
}


@dataclass(frozen=True)
class Verdict:
    claim: str  # "a" .. "d"
    holds: bool
    numbers: dict = field(default_factory=dict)
    sentence_en: str = ""

    @property
    def statement_en(self) -> str:
        return CLAIMS[self.claim]


def _g(x: float) -> str:
    return "nan" if x is None or not np.isfinite(x) else f"{x:.3g}"


def run_losses(results: pd.DataFrame, loss: str = "test_loss", weighting: str | None = None) -> pd.DataFrame:
    """One row per run: arch, rho, seed, loss (mean over tasks), status, collapsed (any task)."""
    df = results
    if "weighting" in df and df["weighting"].nunique() > 1:
        if weighting is None:
            raise ValueError("the results hold several weightings (" + ", ".join(map(str, df.weighting.unique()))
                             + "): pass weighting=... to judge one of them")
        df = df[df["weighting"] == weighting]
    elif weighting is not None and "weighting" in df:
        df = df[df["weighting"] == weighting]
    if loss not in df:
        raise ValueError(f"the results have no column '{loss}'")
    rho = "relatedness" if "relatedness" in df and df["relatedness"].notna().any() else "data.rho"
    d = df.assign(rho=df[rho].astype(float), collapsed=df.get("collapsed", False),
                  status=df.get("status", "ok"))
    d["collapsed"] = d["collapsed"].astype(str).str.lower().isin(("true", "1"))
    runs = d.groupby(["arch", "rho", "seed"], as_index=False).agg(
        loss=(loss, "mean"), status=("status", "first"), collapsed=("collapsed", "any"))
    runs.loc[runs["status"] != "ok", "loss"] = np.nan
    return runs


FAILED_FACTOR = 3.0


def failed_runs(runs: pd.DataFrame, factor: float = FAILED_FACTOR) -> dict[str, list[int]]:
    """Seeds whose run loss is above `factor` × the median of its (arch, ρ) at some ρ: runs that failed
    to train (typically a task tower whose ReLU units died). Counted and named; dropped only on request."""
    med = runs.groupby(["arch", "rho"])["loss"].transform("median")
    bad = runs[runs["loss"] > factor * med]
    return {a: sorted(int(s) for s in set(bad[bad["arch"] == a]["seed"])) for a in runs["arch"].unique()}


def _stats(values: np.ndarray) -> dict:
    v = values[np.isfinite(values)]
    if len(v) == 0:
        return {"n": 0, "mean": np.nan, "sd": np.nan, "se": np.nan, "median": np.nan, "iqr": np.nan}
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    sd = float(v.std(ddof=1)) if len(v) > 1 else 0.0
    return {"n": int(len(v)), "mean": float(v.mean()), "sd": sd, "se": sd / np.sqrt(len(v)),
            "median": float(med), "iqr": float(q3 - q1)}


def failed_mask(runs: pd.DataFrame, factor: float = FAILED_FACTOR) -> pd.Series:
    """Per run: its loss is above `factor` × the median of its (arch, ρ), or a task collapsed."""
    med = runs.groupby(["arch", "rho"])["loss"].transform("median")
    return (runs["loss"] > factor * med) | runs["collapsed"]


def summarise(runs: pd.DataFrame, exclude_collapsed: bool = False, exclude_failed: bool = False) -> dict:
    """{arch: {rho: stats + counts}} over the runs' losses."""
    out: dict = {}
    failed = failed_mask(runs)
    for (arch, rho), g in runs.groupby(["arch", "rho"]):
        drop = g["collapsed"] if exclude_collapsed else pd.Series(False, index=g.index)
        if exclude_failed:
            drop = drop | failed.loc[g.index]
        use = g[~drop]
        s = _stats(use["loss"].to_numpy(dtype=float))
        s.update(runs=len(g), diverged=int((g["status"] != "ok").sum()), collapsed=int(g["collapsed"].sum()),
                 failed=int((failed.loc[g.index] & ~g["collapsed"]).sum()))
        out.setdefault(arch, {})[float(rho)] = s
    return out


def verdicts(results: pd.DataFrame, rho_high: float = 1.0, rho_low: float = 0.5, *, loss: str = "test_loss",
             archs: Sequence[str] = ARCHS, ratio: float = 2.0, close_tol: float = 0.10,
             noise_se: float | None = 2.0, spread: str = "sd",
             spread_rho: float | str = "all", exclude_collapsed: bool = False,
             exclude_failed: bool = False, weighting: str | None = None) -> list[Verdict]:
    """The four verdicts, in order a, b, c, d.

    (a) holds when every model's mean loss at rho_low is above its mean at rho_high; the numbers also
        say whether the means rise monotonically over every ρ in between.
    (b) degradation = mean loss at rho_low − at rho_high; holds when Shared-Bottom's and OMoE's
        degradations are both at least `ratio` × MMoE's (and positive).
    (c) holds when |MMoE − OMoE| at rho_high is at most `close_tol` × OMoE's mean loss there, or (unless
        noise_se is None) smaller than `noise_se` standard errors of the difference: with 20 seeds the
        standard error alone is often ~10% of the level, so a gap that size is run-to-run noise, not a
        difference. The numbers say which criterion decided.
    (d) spread = "sd" (standard deviation) or "iqr" (inter-quartile range) of the run losses at
        `spread_rho`: "all" (default) = at every ρ in the results, as the paper states it ("in all
        task correlation settings", §3.4), or one ρ; holds when Shared-Bottom's is the largest of the
        models there. The numbers give every model's spread at every ρ.
    """
    if spread not in ("sd", "iqr"):
        raise ValueError("spread must be 'sd' or 'iqr'")
    runs = run_losses(results, loss, weighting)
    stats = summarise(runs, exclude_collapsed, exclude_failed)
    missing = [(a, r) for a in archs for r in (rho_high, rho_low) if r not in stats.get(a, {})]
    if missing:
        raise ValueError("the results lack " + ", ".join(f"{a} at ρ = {r:g}" for a, r in missing))
    spread_all = spread_rho == "all"
    spread_rho = rho_low if spread_all else float(spread_rho)
    sb, om, mm = "shared_bottom", "omoe", "mmoe"
    names = {a: NAMES.get(a, a) for a in archs}
    rhos = sorted({r for a in archs for r in stats[a]})
    between = [r for r in rhos if rho_low <= r <= rho_high]
    common = {"loss": loss, "exclude_collapsed": exclude_collapsed or exclude_failed,
              "exclude_failed": exclude_failed,
              "runs": {a: sum(s["runs"] for s in stats[a].values()) for a in archs},
              "diverged_excluded": {a: sum(s["diverged"] for s in stats[a].values()) for a in archs},
              "collapsed": {a: sum(s["collapsed"] for s in stats[a].values()) for a in archs},
              "failed_seeds": {a: failed_runs(runs).get(a, []) for a in archs}}
    mean = {a: {r: stats[a][r]["mean"] for r in stats[a]} for a in archs}
    deg = {a: mean[a][rho_low] - mean[a][rho_high] for a in archs}
    out = []

    # (a)
    worse = {a: bool(deg[a] > 0) for a in archs}
    monotone = {a: bool(all(mean[a][x] >= mean[a][y] for x, y in zip(between, between[1:]))) for a in archs}
    holds = all(worse.values())
    losers = [names[a] for a in archs if not worse[a]]
    out.append(Verdict("a", holds, {**common, "rho_high": rho_high, "rho_low": rho_low,
                                    "mean_loss": mean, "degradation": deg, "monotone": monotone},
                       f"Mean {loss.replace('_', ' ')} from ρ = {rho_high:g} to {rho_low:g}: " + ", ".join(
                           f"{names[a]} {_g(mean[a][rho_high])} → {_g(mean[a][rho_low])}" for a in archs)
                       + (". Every model does worse." if holds else
                          f". {', '.join(losers)} {'does' if len(losers) == 1 else 'do'} not do worse.")))

    # (b)
    need = [a for a in archs if a != mm]
    times = {a: (deg[a] / deg[mm] if deg[mm] > 0 else np.inf if deg[a] > 0 else np.nan) for a in need}
    holds = mm in archs and all(deg[a] > 0 and deg[a] >= ratio * max(deg[mm], 0.0) for a in need)
    out.append(Verdict("b", bool(holds), {**common, "degradation": deg, "times_mmoe": times, "ratio": ratio},
                       "Loss increase from ρ = {:g} to {:g}: {}. {}".format(
                           rho_high, rho_low, ", ".join(f"{names[a]} {_g(deg[a])}" for a in archs),
                           ("MMoE's is the smallest by at least {:g}× ({}).".format(ratio, ", ".join(
                               f"{names[a]} {_g(times[a])}×" for a in need))) if holds else
                           "MMoE's is not at least {:g}× smaller than every other model's ({}).".format(
                               ratio, ", ".join(f"{names[a]} {_g(times[a])}×" for a in need)))))

    # (c)
    a_m, a_o = stats[mm][rho_high], stats[om][rho_high]
    diff = a_m["mean"] - a_o["mean"]
    rel = abs(diff) / a_o["mean"] if a_o["mean"] else np.inf
    se = float(np.hypot(a_m["se"], a_o["se"]))
    z = diff / se if se > 0 else (0.0 if diff == 0 else np.inf)
    close = bool(rel <= close_tol)
    noise = bool(noise_se is not None and abs(z) < noise_se)
    holds = close or noise
    if close:
        why = f"within the {close_tol:.0%} tolerance"
    elif noise:
        why = f"more than {close_tol:.0%} apart but within {noise_se:g} standard errors: run-to-run noise"
    else:
        why = f"more than {close_tol:.0%} apart" + (f" and beyond {noise_se:g} standard errors"
                                                   if noise_se is not None else "")
    out.append(Verdict("c", holds, {**common, "rho": rho_high, "mmoe": a_m["mean"], "omoe": a_o["mean"],
                                    "difference": diff, "relative_difference": rel, "difference_in_se": z,
                                    "close_tol": close_tol, "noise_se": noise_se, "within_tolerance": close,
                                    "within_noise": noise},
                       f"At ρ = {rho_high:g}: MMoE {_g(a_m['mean'])}, OMoE {_g(a_o['mean'])}, a difference of "
                       f"{rel:.0%} ({_g(z)} standard errors); {why}."))

    # (d)
    key = "sd" if spread == "sd" else "iqr"
    table = {a: {r: stats[a][r][key] for r in stats[a]} for a in archs}
    checked = rhos if spread_all else [spread_rho]
    if any(r not in stats[a] for a in archs for r in checked):
        raise ValueError(f"the results lack ρ = {spread_rho:g} for every model")
    every = {r: bool(all(table[sb].get(r, np.nan) > table[a].get(r, np.nan) for a in archs if a != sb))
             for r in rhos}
    holds = bool(all(every[r] for r in checked))
    what = f"{'Standard deviation' if key == 'sd' else 'Inter-quartile range'} of the final loss over runs"
    if spread_all:
        bad = [r for r in rhos if not every[r]]
        sentence = (f"{what}, per ρ: " + "; ".join(
            f"ρ = {r:g}: " + ", ".join(f"{names[a]} {_g(table[a][r])}" for a in archs) for r in rhos)
            + (". Shared-Bottom's is the largest at every ρ." if holds else
               ". Shared-Bottom's is not the largest at ρ = " + ", ".join(f"{r:g}" for r in bad) + "."))
        at = {a: {r: table[a][r] for r in rhos} for a in archs}
    else:
        at = {a: table[a][spread_rho] for a in archs}
        widest = max(archs, key=lambda a: at[a] if np.isfinite(at[a]) else -np.inf)
        sentence = (f"{what} at ρ = {spread_rho:g}: " + ", ".join(f"{names[a]} {_g(at[a])}" for a in archs)
                    + (". Shared-Bottom's is the largest." if holds else
                       f". The largest is {names[widest]}'s, not Shared-Bottom's."))
    out.append(Verdict("d", holds, {**common, "spread": spread, "rho": "all" if spread_all else spread_rho,
                                    "spread_at_rho": at, "spread_by_rho": table,
                                    "shared_bottom_widest_by_rho": every}, sentence))
    note = ""
    if any(common["collapsed"].values()):
        note += " Runs with a dead tower: " + ", ".join(f"{names[a]} {n}" for a, n in common["collapsed"].items()) \
            + (" (left out)." if common["exclude_collapsed"] else " (kept in).")
    failed = {a: seeds for a, seeds in common["failed_seeds"].items() if seeds}
    if failed:
        note += (" Seeds whose loss is over 3× the median (failed training, "
                 + ("left out" if exclude_failed else "kept in") + "): ") + "; ".join(
            f"{names[a]} {', '.join(map(str, seeds))}" for a, seeds in failed.items()) + "."
    if note:
        out = [Verdict(v.claim, v.holds, v.numbers, v.sentence_en + note) for v in out]
    return out


def verdict_table(vs: Sequence[Verdict]) -> pd.DataFrame:
    """One row per claim: claim, statement, holds, sentence (for a page or a report)."""
    return pd.DataFrame([{"claim": v.claim, "statement": v.statement_en, "holds": v.holds,
                          "sentence": v.sentence_en} for v in vs])


__all__ = ["Verdict", "verdicts", "verdict_table", "run_losses", "summarise", "failed_runs", "failed_mask", "CLAIMS"]
