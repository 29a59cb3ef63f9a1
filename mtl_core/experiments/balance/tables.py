"""The tables a balancing study is read through: the MTL gain against single-task baselines (PLE paper),
the seesaw map, the static-weight trade-off, the conflict shares, and the comparison with time per step."""
from __future__ import annotations

import numpy as np
import pandas as pd

ROLE_MTL, ROLE_STATIC, ROLE_SINGLE = "mtl", "static", "single_task"  # the `role` column of a study's rows
REFERENCE = "ew"  # every strategy is judged against equal weights on the same architecture and seeds


# ---- MTL gain ---------------------------------------------------------------------------------------------------
def mtl_gain(mtl: float | np.ndarray, single: float | np.ndarray, higher_is_better: bool):
    """The PLE paper's gain, positive when MTL beats the single-task model: MTL − single for a
    higher-is-better metric (AUC), single − MTL for a lower-is-better one (MSE, logloss)."""
    mtl, single = np.asarray(mtl, dtype=float), np.asarray(single, dtype=float)
    return mtl - single if higher_is_better else single - mtl


def gain_metric(task_kind: str) -> tuple[str, bool]:
    """(results column, higher is better) the gain of a task is measured on: test AUC for binary tasks,
    test loss (MSE) for regression."""
    return ("test_auc", True) if task_kind == "binary" else ("test_loss", False)


def add_mtl_gain(df: pd.DataFrame, baselines: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add `single_task_metric`, `mtl_gain` and `mtl_gain_pct` (gain in % of the baseline's metric) to every
    row, against the single-task baseline of the same seed, task and data settings: the rows of
    `baselines`, or else the rows of `df` whose arch is single_task. Baseline rows get a gain of 0; rows
    without a baseline NaN."""
    df = df.copy()
    if df.empty:
        return df
    if baselines is not None:
        base = baselines
    elif "role" in df.columns and (df["role"] == ROLE_SINGLE).any():
        base = df[df["role"] == ROLE_SINGLE]
    else:
        base = df[df["arch"] == "single_task"]
    keys = ["seed", "task"] + [c for c in df.columns if c.startswith("data.") and c in base.columns]
    cols = {"single_task_metric": np.nan, "mtl_gain": np.nan, "mtl_gain_pct": np.nan}
    if base is None or base.empty:
        return df.assign(**cols)
    ok = base[base["status"] == "ok"] if "status" in base.columns else base
    lookup = {}
    for _, row in ok.iterrows():
        col, _ = gain_metric(str(row.get("task_kind", "regression")))
        lookup[tuple(str(row[k]) for k in keys)] = float(row[col])
    singles, gains = [], []
    for _, row in df.iterrows():
        col, higher = gain_metric(str(row.get("task_kind", "regression")))
        single = lookup.get(tuple(str(row[k]) for k in keys), np.nan)
        singles.append(single)
        gains.append(float(mtl_gain(row[col], single, higher)))
    df["single_task_metric"] = singles
    df["mtl_gain"] = gains
    df["mtl_gain_pct"] = 100 * df["mtl_gain"] / df["single_task_metric"].abs().where(df["single_task_metric"] != 0)
    return df


# ---- tables of a study -------------------------------------------------------------------------------------
def _mtl_rows(df: pd.DataFrame, role: str = ROLE_MTL) -> pd.DataFrame:
    if df.empty:
        return df
    d = df[df["status"] == "ok"] if "status" in df.columns else df
    if "role" in d.columns:
        return d[d["role"] == role]
    return d[d["arch"] != "single_task"] if role == ROLE_MTL else d.iloc[0:0]


def tasks_of(df: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(df["task"])) if not df.empty else []


def seesaw_frame(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (architecture, strategy): for the first two tasks the mean and sd over seeds of the MTL
    gain in % of the single-task baseline (gain_a, sd_a, gain_b, sd_b), the runs counted and the quadrant:
    both_win, seesaw or negative (both lose)."""
    d = _mtl_rows(df)
    cols = ["arch", "weighting", "task_a", "task_b", "gain_a", "sd_a", "gain_b", "sd_b", "n", "quadrant"]
    if d.empty or "mtl_gain_pct" not in d.columns or d["mtl_gain_pct"].notna().sum() == 0:
        return pd.DataFrame(columns=cols)
    tasks = tasks_of(d)[:2]
    if len(tasks) < 2:
        return pd.DataFrame(columns=cols)
    g = d[d.task.isin(tasks)].groupby(["arch", "weighting", "task"], sort=False)["mtl_gain_pct"]
    stats = g.agg(["mean", "std", "count"]).reset_index()
    rows = []
    for (arch, w), s in stats.groupby(["arch", "weighting"], sort=False):
        s = s.set_index("task")
        if not set(tasks) <= set(s.index):
            continue
        a, b = s.loc[tasks[0]], s.loc[tasks[1]]
        quadrant = "both_win" if a["mean"] > 0 and b["mean"] > 0 else \
            "negative" if a["mean"] <= 0 and b["mean"] <= 0 else "seesaw"
        rows.append(dict(arch=arch, weighting=w, task_a=tasks[0], task_b=tasks[1], gain_a=a["mean"],
                         sd_a=0.0 if np.isnan(a["std"]) else a["std"], gain_b=b["mean"],
                         sd_b=0.0 if np.isnan(b["std"]) else b["std"], n=int(min(a["count"], b["count"])),
                         quadrant=quadrant))
    return pd.DataFrame(rows, columns=cols)


def _pareto(points: np.ndarray) -> np.ndarray:
    """Non-dominated rows of (n, 2) points where lower is better on both."""
    keep = np.ones(len(points), dtype=bool)
    for i, p in enumerate(points):
        keep[i] = not np.any(np.all(points <= p, axis=1) & np.any(points < p, axis=1))
    return keep


def tradeoff_frame(df: pd.DataFrame, metric: str = "test_loss") -> pd.DataFrame:
    """Final task1 and task2 `metric` (mean and sd over seeds) for every static weight pair (kind
    "static", with w1 and w2, `pareto` = not dominated by another static point) and every strategy
    (kind "strategy")."""
    cols = ["kind", "label", "arch", "weighting", "w1", "w2", "a", "b", "sd_a", "sd_b", "n", "pareto"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    tasks = tasks_of(df)[:2]
    if len(tasks) < 2:
        return pd.DataFrame(columns=cols)
    rows = []
    for role, kind in ((ROLE_STATIC, "static"), (ROLE_MTL, "strategy")):
        d = _mtl_rows(df, role)
        if d.empty:
            continue
        keys = ["arch", "weighting"] + (["weighting.weights"] if kind == "static" else [])
        d = d.assign(**{k: d[k].astype(str) for k in keys})
        for key, grp in d.groupby(keys, sort=False):
            by_task = grp.groupby("task")[metric]
            if not set(tasks) <= set(by_task.groups):
                continue
            mean, sd, n = by_task.mean(), by_task.std().fillna(0.0), by_task.count()
            w1 = w2 = np.nan
            label = key[1]
            if kind == "static":
                w = [float(x) for x in str(key[2]).split(",")]
                w1, w2 = (w[0], w[1]) if len(w) > 1 else (w[0], w[0])
                r = w1 / w2 if w2 > 0 else np.inf
                label = f"{r:.3g}:1" if r >= 1 else f"1:{1 / r:.3g}"
                label = label.replace("1e+03", "1000")
            rows.append(dict(kind=kind, label=label, arch=key[0], weighting=key[1], w1=w1, w2=w2,
                             a=mean[tasks[0]], b=mean[tasks[1]], sd_a=sd[tasks[0]], sd_b=sd[tasks[1]],
                             n=int(n.min()), pareto=False))
    out = pd.DataFrame(rows, columns=cols)
    st = out["kind"] == "static"
    if st.any():
        out.loc[st, "pareto"] = _pareto(out.loc[st, ["a", "b"]].to_numpy(dtype=float))
        order = out[st].assign(r=out.loc[st, "w1"] / out.loc[st, "w2"]).sort_values("r").index
        out = pd.concat([out.loc[order], out[~st]], ignore_index=True)
    out.attrs["tasks"] = tuple(tasks)
    return out


def conflict_table(df: pd.DataFrame) -> pd.DataFrame:
    """Per (architecture, strategy): mean over runs of the recorded conflict statistics."""
    from ...records import CONFLICT_METRICS

    d = _mtl_rows(df)
    if d.empty or not set(CONFLICT_METRICS) <= set(d.columns):
        return pd.DataFrame(columns=["arch", "weighting", *CONFLICT_METRICS])
    runs = d.drop_duplicates(["arch", "weighting", "seed"])
    return runs.groupby(["arch", "weighting"], sort=False)[list(CONFLICT_METRICS)].mean().reset_index()


def step_times(df: pd.DataFrame) -> pd.DataFrame:
    """Per (architecture, strategy): seconds per optimisation step of the whole batch of runs (evaluation and
    conflict recording excluded) and the ratio to EW on the same architecture with as many runs."""
    d = _mtl_rows(df)
    cols = ["arch", "weighting", "step_ms", "time_vs_ew"]
    if d.empty or "step_ms" not in d.columns:
        return pd.DataFrame(columns=cols)
    runs = d.drop_duplicates(["arch", "weighting", "seed"])
    t = runs.groupby(["arch", "weighting", "batch_runs"], sort=False)["step_ms"].mean().reset_index()
    ref = t[t.weighting == REFERENCE].set_index(["arch", "batch_runs"])["step_ms"]
    t["time_vs_ew"] = [v / ref.get((a, n), np.nan) for a, n, v in zip(t.arch, t.batch_runs, t.step_ms)]
    return t[cols]


def comparison_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (architecture, strategy, task): final test metric (mean, sd over seeds), MTL gain in % of
    the single-task baseline (mean, sd), and the strategy's time per step relative to EW."""
    d = _mtl_rows(df)
    cols = ["arch", "weighting", "task", "metric", "mean", "sd", "gain_pct", "gain_sd", "n", "time_vs_ew"]
    if d.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    times = step_times(df).set_index(["arch", "weighting"])["time_vs_ew"] if not d.empty else pd.Series(dtype=float)
    for (arch, w, task), g in d.groupby(["arch", "weighting", "task"], sort=False):
        col, _ = gain_metric(str(g["task_kind"].iloc[0]) if "task_kind" in g else "regression")
        gain = g["mtl_gain_pct"] if "mtl_gain_pct" in g else pd.Series(dtype=float)
        rows.append(dict(arch=arch, weighting=w, task=task, metric=col, mean=g[col].mean(),
                         sd=g[col].std() if len(g) > 1 else 0.0, gain_pct=gain.mean() if len(gain) else np.nan,
                         gain_sd=gain.std() if len(gain) > 1 else 0.0, n=len(g),
                         time_vs_ew=times.get((arch, w), np.nan) if len(times) else np.nan))
    return pd.DataFrame(rows, columns=cols)
