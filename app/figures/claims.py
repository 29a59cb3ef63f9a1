"""The MMoE paper's four claims as judged by `mtl_core.experiments.claims.verdicts`: the numbers behind each
verdict in a sentence, the notes under the table, and the table itself. Pure: verdicts in, text or a
DataFrame out."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

import plotly.graph_objects as go

from ..i18n import EN, Translator
from .rule import effect_text
from .style import make_figure

OUTCOME_KEY = {"holds": "exp.v.holds", "fails": "exp.v.fails", "unclear": "exp.v.unclear"}


def _name(names: Mapping[str, str], arch: str) -> str:
    return names.get(arch, arch)


def _g(x) -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "—"
    return f"{x:.3g}" if np.isfinite(x) else ("∞" if np.isinf(x) else "—")


def _claim_rule(p, verb: str, tr: Translator) -> str:
    """The rule's sentence with a claim's verb (rise / smaller): "rises on 10/10 seeds, +200 % [+166, +262]"."""
    if p.n < 3:
        return tr("rule.too_few", n=p.n)
    effect = effect_text(p.rel, p.rel_low, p.rel_high)
    return tr(f"exp.v.{verb}.{p.word}", agree=p.agree, k=p.n - p.agree, n=p.n, effect=effect)


def _pct(x: float) -> str:
    return f"{100 * x:+.0f}" if np.isfinite(x) else "—"


def verdict_numbers(v, names: Mapping[str, str], tr: Translator = EN) -> str:
    """The numbers behind one verdict (`mtl_core.experiments.claims.Verdict`) in the page's language: every
    comparison with its effect, 95 % interval and agreeing seeds (the rule of `mtl_core.stats`)."""
    n = v.numbers
    archs = list(n.get("runs", {}))
    nm = {a: _name(names, a) for a in archs}
    tests = n.get("tests", {})
    if v.claim == "a":
        items = "; ".join(f"{nm[a]} {_g(n['mean_loss'][a][n['rho_high']])} → {_g(n['mean_loss'][a][n['rho_low']])}"
                          f" ({_claim_rule(tests[a], 'rise', tr)})" for a in archs)
        text = tr("exp.v.a", high=f"{n['rho_high']:g}", low=f"{n['rho_low']:g}", items=items)
    elif v.claim == "b":
        items = "; ".join(f"{nm[a]} {n['degradation'][a]:+.4f}" for a in archs)
        times = ", ".join(f"{nm[a]} {_g(t)}×" if np.isfinite(t) else f"{nm[a]} {_g(t)}"
                          for a, t in n["times_mmoe"].items())
        against = "; ".join(tr("exp.v.b_against", name=nm[a], text=_claim_rule(p, "smaller", tr))
                            for a, p in tests.items())
        text = tr("exp.v.b", items=items, times=times, ratio=f"{n['ratio']:g}", against=against,
                  margin=f"{100 * n['margin']:.0f}")
    elif v.claim == "c":
        p = tests["mmoe"]
        why = {"holds": "exp.v.c_close", "fails": "exp.v.c_far", "unclear": "exp.v.c_open"}[v.outcome]
        if p.n < 3:
            diff = tr("rule.too_few", n=p.n)
        else:
            diff = tr("exp.v.c_diff", d=_pct(-p.rel), lo=_pct(-p.rel_high), hi=_pct(-p.rel_low), agree=p.agree, n=p.n)
        text = tr("exp.v.c", rho=f"{n['rho']:g}", mmoe=_g(n["mmoe"]), omoe=_g(n["omoe"]), diff=diff,
                  why=tr(why, tol=f"{100 * n['close_tol']:.0f}"))
    else:
        from mtl_core.experiments.claims import spread_ratio

        measure = tr("exp.v.sd" if n["spread"] == "sd" else "exp.v.mad")
        table = n["spread_by_rho"]
        rhos = sorted(tests)

        def ratios(r: float) -> str:
            return "; ".join(tr("exp.v.d_ratio", name=nm[a], ratio=_g(x), lo=_g(lo), hi=_g(hi), agree=p.agree, n=p.n)
                             for a, p in tests[r].items() for x, lo, hi in [spread_ratio(p, n["spread"])])
        items = "; ".join(f"ρ = {r:g}: " + ", ".join(f"{nm[a]} {_g(table[a].get(r))}" for a in archs)
                          + f" ({ratios(r)})" for r in rhos)
        text = tr("exp.v.d", measure=measure, items=items)
    return text


def verdict_notes(verdicts: Sequence, names: Mapping[str, str], tr: Translator = EN) -> str:
    """What the four verdicts share, said once: runs with a dead tower, diverged runs, failed seeds."""
    if not verdicts:
        return ""
    n = verdicts[0].numbers
    nm = {a: _name(names, a) for a in n.get("runs", {})}
    notes = []
    if any(n.get("collapsed", {}).values()):
        notes.append(tr("exp.v.collapsed", items=", ".join(f"{nm[a]} {c}" for a, c in n["collapsed"].items())))
    if any(n.get("diverged_excluded", {}).values()):
        notes.append(tr("exp.v.diverged", items=", ".join(f"{nm[a]} {c}" for a, c in n["diverged_excluded"].items())))
    failed = {a: s for a, s in n.get("failed_seeds", {}).items() if s}
    if failed:
        notes.append(tr("exp.v.failed", kept=tr("exp.v.left_out" if n.get("exclude_failed") else "exp.v.kept"),
                        items="; ".join(f"{nm[a]} {', '.join(map(str, s[:8]))}" + ("…" if len(s) > 8 else "")
                                        for a, s in failed.items())))
    return " ".join(notes)


def verdict_table(verdicts: Sequence, names: Mapping[str, str], tr: Translator = EN) -> pd.DataFrame:
    """One row per claim: the claim, the numbers behind it, holds / does not hold / too few seeds to tell."""
    return pd.DataFrame([{tr("exp.col.claim"): f"({v.claim}) " + tr(f"exp.claim.{v.claim}"),
                          tr("exp.col.numbers"): verdict_numbers(v, names, tr),
                          tr("exp.col.verdict"): tr(OUTCOME_KEY[v.outcome])}
                         for v in verdicts])


OUTCOME_STYLE = {"holds": ("#1a7f37", "circle"), "fails": ("#cf222e", "x"), "unclear": ("#57606a", "diamond-open")}


def robustness_c_figure(rows: pd.DataFrame, margin_pct: float, tr: Translator = EN) -> go.Figure:
    """Claim (c) on each seed set of a robustness table (failed runs kept): MMoE − OMoE at ρ = 1 in % of OMoE's
    loss with its 95 % interval, against the ±margin band the claim must stay in. Colour and marker both say
    the outcome, so the verdict does not rest on colour alone."""
    labels = [f"{s} ({n})" for s, n in zip(rows["seeds"], rows["n_seeds"])]
    data = []
    for outcome, (colour, symbol) in OUTCOME_STYLE.items():
        part = rows[rows["outcome_c"] == outcome]
        if part.empty:
            continue
        y = [f"{s} ({n})" for s, n in zip(part["seeds"], part["n_seeds"])]
        data.append({"type": "scatter", "x": part["c_diff_pct"].tolist(), "y": y, "mode": "markers",
                     "name": tr(OUTCOME_KEY[outcome]), "marker": {"color": colour, "symbol": symbol, "size": 9},
                     "error_x": {"type": "data", "symmetric": False, "color": colour,
                                 "array": (part["c_high_pct"] - part["c_diff_pct"]).tolist(),
                                 "arrayminus": (part["c_diff_pct"] - part["c_low_pct"]).tolist()},
                     "customdata": part[["c_low_pct", "c_high_pct", "c_agree", "c_n"]].to_numpy().tolist(),
                     "hovertemplate": "%{y}: %{x:+.0f} % [%{customdata[0]:+.0f}, %{customdata[1]:+.0f}], "
                                      + tr("exp.rob.fig.hover", agree="%{customdata[2]}", n="%{customdata[3]}")
                                      + "<extra></extra>"})
    band = {"type": "rect", "xref": "x", "yref": "paper", "x0": -margin_pct, "x1": margin_pct, "y0": 0, "y1": 1,
            "fillcolor": "rgba(26,127,55,0.12)", "line": {"width": 0}, "layer": "below"}
    zero = {"type": "line", "xref": "x", "yref": "paper", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
            "line": {"color": "#57606a", "width": 1, "dash": "dot"}}
    layout = {"xaxis": {"title": {"text": tr("exp.rob.fig.x", tol=f"{margin_pct:g}")}, "ticksuffix": " %"},
              "shapes": [band, zero],
              "yaxis": {"autorange": "reversed", "type": "category", "categoryorder": "array", "categoryarray": labels,
                        "automargin": True},
              "showlegend": True, "margin": {"l": 10, "r": 10, "t": 50, "b": 90}}
    height = 200 + 24 * len(rows)
    plot_px = height - 50 - 90
    layout["legend"] = {"orientation": "h", "x": 0, "y": -62 / plot_px, "yanchor": "top"}  # under the axis title
    return make_figure(data, layout, tr("exp.rob.fig.title"), height=height)


__all__ = ["verdict_numbers", "verdict_notes", "verdict_table", "robustness_c_figure", "OUTCOME_KEY", "OUTCOME_STYLE"]
