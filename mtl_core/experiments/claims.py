"""Verdicts on the MMoE paper's four synthetic-data claims, computed from a records results table.

Ma et al., KDD 2018, §3.3–3.4 (Fig. 4 and 5), on data whose task correlation ρ is set:
  (a) every model does worse as ρ falls;
  (b) MMoE's loss rises much less from ρ = 1 to ρ = 0.5 than Shared-Bottom's and OMoE's;
  (c) at ρ = 1, MMoE ≈ OMoE (with identical tasks a per-task gate has nothing to add);
  (d) Shared-Bottom's final loss is the most spread across runs (trainability, Fig. 5).

    from mtl_core.experiments.claims import verdicts
    for v in verdicts(read_results("results.csv")):
        print(v.claim, v.outcome, v.sentence_en)

Every claim is judged by the one rule of `mtl_core.stats`: a comparison paired by seed (the same seed draws
the same data for every model and ρ), its effect with a 95 % interval and the seeds that agree. A claim
*holds* when the intervals are on its side, *fails* when they are on the other side, and is *unclear*
("too few seeds to tell") otherwise; `holds` is True only in the first case.

  (a) per model, the paired rise of the loss from rho_high to rho_low; holds when every rise is above 0.
  (b) per other model, the paired difference between its rise and MMoE's, in % of its rise; "much less"
      means at least `ratio`× smaller, i.e. at least 1 − 1/ratio (50 % for 2×) smaller: holds when every
      interval lies above that, fails when one lies below it.
  (c) an equality claim: the paired difference MMoE − OMoE at rho_high in % of OMoE's loss; holds when its
      whole interval lies within ±`close_tol`, fails when the difference is clear (interval excludes 0) and
      its estimate lies outside the margin, unclear otherwise (the interval crosses the margin).
  (d) spread compared per seed: each run's squared deviation from its model's mean ("sd"; the mean of
      these is the variance) or absolute deviation from its model's median ("mad", robust to one failed
      run), paired by seed between Shared-Bottom and each other model; the relative effect is the variance
      ratio − 1 (reported as the ratio of standard deviations) or the ratio of mean absolute deviations − 1.
      Holds when Shared-Bottom's is larger against every model at every ρ checked.

A run's loss is the mean over its tasks of `loss` ("test_loss" by default, or "val_loss"), one number
per (arch, ρ, seed). Diverged runs have no loss: they are counted and always left out. Runs with a
collapsed task (a dead tower predicting a constant) are counted and kept, unless `exclude_collapsed=True`;
runs that failed to train (`failed_runs`: a loss over 3× the median of their model and ρ) are named and
kept, unless `exclude_failed=True` (which leaves out the collapsed ones too); every verdict's numbers say
which. The margins are parameters and are echoed in the numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from ..stats import Paired, paired

ARCHS = ("shared_bottom", "omoe", "mmoe")
NAMES = {"shared_bottom": "Shared-Bottom", "omoe": "OMoE", "mmoe": "MMoE"}
CLAIMS = {
    "a": "every model does worse as the task correlation falls",
    "b": "MMoE's loss rises much less than Shared-Bottom's and OMoE's as the correlation falls",
    "c": "with identical tasks (ρ = 1) MMoE and OMoE do about as well",
    "d": "Shared-Bottom's final loss is the most spread across runs",
}
SPREADS = ("sd", "mad")
CLOSE_TOL = 0.10  # claim (c)'s equality margin, relative to OMoE's loss
Outcome = Literal["holds", "fails", "unclear"]


@dataclass(frozen=True)
class Verdict:
    claim: str  # "a" .. "d"
    outcome: Outcome
    numbers: dict = field(default_factory=dict)  # numbers["tests"]: the paired comparisons behind it
    sentence_en: str = ""

    @property
    def holds(self) -> bool:
        return self.outcome == "holds"

    @property
    def statement_en(self) -> str:
        return CLAIMS[self.claim]


def _g(x: float) -> str:
    return "nan" if x is None or not np.isfinite(x) else f"{x:.3g}"


def combine(outcomes: Sequence[Outcome]) -> Outcome:
    """All parts hold -> holds; any part fails -> fails; else unclear."""
    if outcomes and all(o == "holds" for o in outcomes):
        return "holds"
    return "fails" if "fails" in outcomes else "unclear"


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
        return {"n": 0, "mean": np.nan, "sd": np.nan, "se": np.nan, "median": np.nan, "mad": np.nan}
    sd = float(v.std(ddof=1)) if len(v) > 1 else 0.0
    med = float(np.median(v))
    return {"n": int(len(v)), "mean": float(v.mean()), "sd": sd, "se": sd / np.sqrt(len(v)),
            "median": med, "mad": float(np.abs(v - med).mean())}


def failed_mask(runs: pd.DataFrame, factor: float = FAILED_FACTOR) -> pd.Series:
    """Per run: its loss is above `factor` × the median of its (arch, ρ), or a task collapsed."""
    med = runs.groupby(["arch", "rho"])["loss"].transform("median")
    return (runs["loss"] > factor * med) | runs["collapsed"]


def _used(runs: pd.DataFrame, exclude_collapsed: bool, exclude_failed: bool) -> pd.DataFrame:
    """The runs with the left-out ones' loss set to NaN (so pairs with them drop out)."""
    drop = runs["collapsed"] if exclude_collapsed else pd.Series(False, index=runs.index)
    if exclude_failed:
        drop = drop | failed_mask(runs)
    return runs.assign(loss=runs["loss"].where(~drop))


def summarise(runs: pd.DataFrame, exclude_collapsed: bool = False, exclude_failed: bool = False) -> dict:
    """{arch: {rho: stats + counts}} over the runs' losses."""
    out: dict = {}
    failed = failed_mask(runs)
    used = _used(runs, exclude_collapsed, exclude_failed)
    for (arch, rho), g in runs.groupby(["arch", "rho"]):
        s = _stats(used.loc[g.index, "loss"].to_numpy(dtype=float))
        s.update(runs=len(g), diverged=int((g["status"] != "ok").sum()), collapsed=int(g["collapsed"].sum()),
                 failed=int((failed.loc[g.index] & ~g["collapsed"]).sum()))
        out.setdefault(arch, {})[float(rho)] = s
    return out


def per_seed(runs: pd.DataFrame) -> pd.DataFrame:
    """Loss per seed (rows) and (arch, rho) (columns), NaN where a run is missing or left out."""
    return runs.pivot_table(index="seed", columns=["arch", "rho"], values="loss", aggfunc="first", dropna=False)


def _col(table: pd.DataFrame, arch: str, rho: float) -> np.ndarray:
    return table[(arch, rho)].to_numpy(dtype=float)


def deviations(x: np.ndarray, spread: str) -> np.ndarray:
    """Per seed: squared deviation from the mean ("sd") or absolute deviation from the median ("mad")."""
    ok = np.isfinite(x)
    if not ok.any():
        return x
    return (x - x[ok].mean()) ** 2 if spread == "sd" else np.abs(x - np.median(x[ok]))


def spread_ratio(p: Paired, spread: str) -> tuple[float, float, float]:
    """(ratio, low, high) of Shared-Bottom's spread to the other model's, from the paired deviations:
    the ratio of standard deviations (square root of the variance ratio) or of mean absolute deviations."""
    f = (lambda r: float(np.sqrt(max(1 + r, 0.0)))) if spread == "sd" else (lambda r: 1 + r)
    return f(p.rel), f(p.rel_low), f(p.rel_high)


def claim_a(t: pd.DataFrame, archs, rho_high: float, rho_low: float) -> tuple[Outcome, dict[str, Paired]]:
    """Per model, the rise of the loss from rho_high to rho_low, paired by seed (positive = worse at rho_low)."""
    tests = {a: paired(_col(t, a, rho_low), _col(t, a, rho_high), higher_is_better=True) for a in archs}
    return combine(["holds" if p.word == "better" else "fails" if p.word == "worse" else "unclear"
                    for p in tests.values()]), tests


def claim_b(t: pd.DataFrame, archs, rho_high: float, rho_low: float, ratio: float
            ) -> tuple[Outcome, dict[str, Paired]]:
    """Per other model, by how much MMoE's rise is smaller than its rise, paired by seed, against the
    margin 1 − 1/ratio (MMoE's rise at least `ratio`× smaller)."""
    rise = {a: _col(t, a, rho_low) - _col(t, a, rho_high) for a in archs}
    need = 1 - 1 / ratio
    tests, outcomes = {}, []
    for a in (a for a in archs if a != "mmoe"):
        p = tests[a] = paired(rise["mmoe"], rise[a])  # positive = MMoE's rise is the smaller
        other = np.nanmean(rise[a]) if np.isfinite(rise[a]).any() else np.nan
        if not other > 0 or (np.isfinite(p.rel_high) and p.rel_high < need):
            outcomes.append("fails")
        elif p.word == "better" and p.rel_low >= need:
            outcomes.append("holds")
        else:
            outcomes.append("unclear")
    return combine(outcomes), tests


def claim_c(t: pd.DataFrame, rho: float, close_tol: float) -> tuple[Outcome, Paired]:
    """MMoE against OMoE at rho, paired by seed (positive = MMoE lower), as an equality within ±close_tol."""
    p = paired(_col(t, "mmoe", rho), _col(t, "omoe", rho))
    if p.within(close_tol):
        return "holds", p
    if p.word != "unclear" and abs(p.rel) > close_tol:
        return "fails", p
    return "unclear", p


def claim_d(t: pd.DataFrame, archs, rhos, spread: str) -> tuple[Outcome, dict[float, dict[str, Paired]]]:
    """At each rho, Shared-Bottom's per-seed deviations against each other model's (positive = SB wider)."""
    tests = {r: {a: paired(deviations(_col(t, "shared_bottom", r), spread), deviations(_col(t, a, r), spread),
                           higher_is_better=True) for a in archs if a != "shared_bottom"} for r in rhos}
    return combine(["holds" if p.word == "better" else "fails" if p.word == "worse" else "unclear"
                    for by in tests.values() for p in by.values()]), tests


def say(p: Paired, up: str, down: str, pct: bool = True) -> str:
    """The rule's sentence with the claim's own verbs: "rises on 10/10 seeds, +200 % [+190, +210]"."""
    if p.n < 3:
        return p.text(pct)
    if p.word == "better":
        return f"{up} on {p.agree}/{p.n} seeds, {p.effect_text(pct)}"
    if p.word == "worse":
        return f"{down} on {p.n - p.agree}/{p.n} seeds, {p.effect_text(pct)}"
    return f"too few seeds to tell: {up} on {p.agree}/{p.n} seeds, {p.effect_text(pct)}"


def equality_text(p: Paired) -> str:
    """Claim (c)'s numbers: "MMoE − OMoE = +3 % of OMoE's loss [−2, +8], MMoE lower on 4/10 seeds"."""
    if p.n < 3:
        return p.text()
    return (f"MMoE − OMoE = {-100 * p.rel:+.0f} % of OMoE's loss [{-100 * p.rel_high:+.0f}, {-100 * p.rel_low:+.0f}], "
            f"MMoE lower on {p.agree}/{p.n} seeds")


def verdicts(results: pd.DataFrame, rho_high: float = 1.0, rho_low: float = 0.5, *, loss: str = "test_loss",
             archs: Sequence[str] = ARCHS, ratio: float = 2.0, close_tol: float = CLOSE_TOL, spread: str = "sd",
             spread_rho: float | str = "all", exclude_collapsed: bool = False,
             exclude_failed: bool = False, weighting: str | None = None) -> list[Verdict]:
    """The four verdicts, in order a, b, c, d (the module docstring gives each rule). `ratio`: how many
    times smaller MMoE's rise must be in (b); `close_tol`: the equality margin of (c), relative to OMoE's
    loss; `spread`: "sd" or "mad" in (d), judged at every ρ of the results (`spread_rho="all"`, as the
    paper states it, "in all task correlation settings", §3.4) or at one ρ."""
    if spread not in SPREADS:
        raise ValueError("spread must be 'sd' or 'mad'")
    runs = run_losses(results, loss, weighting)
    stats = summarise(runs, exclude_collapsed, exclude_failed)
    missing = [(a, r) for a in archs for r in (rho_high, rho_low) if r not in stats.get(a, {})]
    if missing:
        raise ValueError("the results lack " + ", ".join(f"{a} at ρ = {r:g}" for a, r in missing))
    table = per_seed(_used(runs, exclude_collapsed, exclude_failed))
    spread_all = spread_rho == "all"
    names = {a: NAMES.get(a, a) for a in archs}
    rhos = sorted({r for a in archs for r in stats[a]})
    checked = rhos if spread_all else [float(spread_rho)]
    if any(r not in stats[a] for a in archs for r in checked):
        raise ValueError(f"the results lack ρ = {float(spread_rho):g} for every model")
    between = [r for r in rhos if rho_low <= r <= rho_high]
    common = {"loss": loss, "exclude_collapsed": exclude_collapsed or exclude_failed,
              "exclude_failed": exclude_failed,
              "runs": {a: sum(s["runs"] for s in stats[a].values()) for a in archs},
              "diverged_excluded": {a: sum(s["diverged"] for s in stats[a].values()) for a in archs},
              "collapsed": {a: sum(s["collapsed"] for s in stats[a].values()) for a in archs},
              "failed_seeds": {a: failed_runs(runs).get(a, []) for a in archs}}
    mean = {a: {r: stats[a][r]["mean"] for r in stats[a]} for a in archs}
    deg = {a: mean[a][rho_low] - mean[a][rho_high] for a in archs}
    loss_words = loss.replace("_", " ")
    out = []

    # (a)
    outcome, tests = claim_a(table, archs, rho_high, rho_low)
    monotone = {a: bool(all(mean[a][x] >= mean[a][y] for x, y in zip(between, between[1:]))) for a in archs}
    losers = [names[a] for a in archs if tests[a].word == "worse"]
    unsure = [names[a] for a in archs if tests[a].word == "unclear"]
    end = {"holds": ". Every model does worse.",
           "fails": f". {', '.join(losers)} {'does' if len(losers) == 1 else 'do'} not do worse.",
           "unclear": f". Too few seeds to tell for {', '.join(unsure)}."}[outcome]
    out.append(Verdict("a", outcome, {**common, "rho_high": rho_high, "rho_low": rho_low, "mean_loss": mean,
                                      "degradation": deg, "monotone": monotone, "tests": tests},
                       f"Mean {loss_words} from ρ = {rho_high:g} to {rho_low:g}: " + "; ".join(
                           f"{names[a]} {_g(mean[a][rho_high])} → {_g(mean[a][rho_low])} "
                           f"({say(tests[a], 'rises', 'falls')})" for a in archs) + end))

    # (b)
    need = [a for a in archs if a != "mmoe"]
    outcome, tests = claim_b(table, archs, rho_high, rho_low, ratio)
    times = {a: (deg[a] / deg["mmoe"] if deg["mmoe"] > 0 else np.inf if deg[a] > 0 else np.nan) for a in need}
    margin = 1 - 1 / ratio
    end = {"holds": f"MMoE's is at least {ratio:g}× smaller than every other model's.",
           "fails": f"MMoE's is not at least {ratio:g}× smaller than every other model's.",
           "unclear": f"Too few seeds to tell whether MMoE's is at least {ratio:g}× smaller than every other "
                      "model's."}[outcome]
    out.append(Verdict("b", outcome, {**common, "degradation": deg, "times_mmoe": times, "ratio": ratio,
                                      "margin": margin, "tests": tests},
                       f"Loss increase from ρ = {rho_high:g} to {rho_low:g}: "
                       + ", ".join(f"{names[a]} {_g(deg[a])}" for a in archs)
                       + " (" + ", ".join(f"{names[a]} {_g(times[a])}× MMoE's" for a in need) + "). MMoE's rise "
                       + "; ".join(f"against {names[a]}'s: {say(tests[a], 'smaller', 'larger')}" for a in need)
                       + f" (at least {ratio:g}× smaller means at least {100 * margin:.0f} % smaller). " + end))

    # (c)
    outcome, p = claim_c(table, rho_high, close_tol)
    m, o = stats["mmoe"][rho_high]["mean"], stats["omoe"][rho_high]["mean"]
    diff = m - o
    rel = abs(diff) / o if o else np.inf
    end = {"holds": f"the whole interval lies within ±{100 * close_tol:.0f} %: they do about as well.",
           "fails": f"they differ by more than ±{100 * close_tol:.0f} %.",
           "unclear": f"the interval reaches beyond ±{100 * close_tol:.0f} %: too few seeds to tell whether they "
                      "do about as well."}[outcome]
    out.append(Verdict("c", outcome, {**common, "rho": rho_high, "mmoe": m, "omoe": o, "difference": diff,
                                      "relative_difference": rel, "close_tol": close_tol, "tests": {"mmoe": p}},
                       f"At ρ = {rho_high:g}: MMoE {_g(m)}, OMoE {_g(o)}; {equality_text(p)}; {end}"))

    # (d)
    outcome, tests = claim_d(table, archs, checked, spread)
    table_d = {a: {r: stats[a][r][spread] for r in stats[a]} for a in archs}
    widest = {r: bool(all(table_d["shared_bottom"].get(r, np.nan) > table_d[a].get(r, np.nan)
                          for a in archs if a != "shared_bottom")) for r in rhos}
    what = ("Standard deviation" if spread == "sd" else "Mean absolute deviation from the median") + \
        " of the final loss over runs"

    def ratios(r: float) -> str:
        return ", ".join(f"{spread_ratio(q, spread)[0]:.2g}× {names[a]}'s "
                         f"[{spread_ratio(q, spread)[1]:.2g}, {spread_ratio(q, spread)[2]:.2g}], wider on "
                         f"{q.agree}/{q.n} seeds" for a, q in tests[r].items())

    items = "; ".join(f"ρ = {r:g}: " + ", ".join(f"{names[a]} {_g(table_d[a][r])}" for a in archs)
                      + f" (Shared-Bottom's {ratios(r)})" for r in checked)
    bad = [r for r in checked if any(q.word == "worse" for q in tests[r].values())]
    open_ = [r for r in checked if r not in bad and any(q.word != "better" for q in tests[r].values())]
    at_rho = lambda rs: ", ".join(f"{r:g}" for r in rs)  # noqa: E731
    if spread_all:
        end = {"holds": "Shared-Bottom's is the largest at every ρ.",
               "fails": f"Shared-Bottom's is not the largest at ρ = {at_rho(bad)}.",
               "unclear": f"Too few seeds to tell whether Shared-Bottom's is the largest at ρ = {at_rho(open_)}."}
        at = {a: {r: table_d[a][r] for r in rhos} for a in archs}
        sentence = f"{what}, per ρ: {items}. {end[outcome]}"
    else:
        r0 = checked[0]
        at = {a: table_d[a][r0] for a in archs}
        top = max(archs, key=lambda a: at[a] if np.isfinite(at[a]) else -np.inf)
        end = {"holds": "Shared-Bottom's is the largest.",
               "fails": f"The largest is {names[top]}'s, not Shared-Bottom's." if top != "shared_bottom"
               else "Shared-Bottom's is not the largest.",
               "unclear": "Too few seeds to tell whether Shared-Bottom's is the largest."}
        sentence = f"{what} at {items}. {end[outcome]}"
    out.append(Verdict("d", outcome, {**common, "spread": spread, "rho": "all" if spread_all else checked[0],
                                      "spread_at_rho": at, "spread_by_rho": table_d,
                                      "shared_bottom_widest_by_rho": widest, "tests": tests}, sentence))
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
        out = [Verdict(v.claim, v.outcome, v.numbers, v.sentence_en + note) for v in out]
    return out


def verdict_table(vs: Sequence[Verdict]) -> pd.DataFrame:
    """One row per claim: claim, statement, outcome, holds, sentence (for a page or a report)."""
    return pd.DataFrame([{"claim": v.claim, "statement": v.statement_en, "outcome": v.outcome, "holds": v.holds,
                          "sentence": v.sentence_en} for v in vs])


__all__ = ["Verdict", "verdicts", "verdict_table", "run_losses", "summarise", "failed_runs", "failed_mask", "CLAIMS",
           "claim_a", "claim_b", "claim_c", "claim_d", "per_seed", "deviations", "spread_ratio", "say", "combine",
           "equality_text"]
