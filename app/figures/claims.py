"""The MMoE paper's four claims as judged by `mtl_core.experiments.claims.verdicts`: the numbers behind each
verdict in a sentence, the notes under the table, and the table itself. Pure: verdicts in, text or a
DataFrame out."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..i18n import EN, Translator


def _name(names: Mapping[str, str], arch: str) -> str:
    return names.get(arch, arch)


def _g(x) -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "—"
    return f"{x:.3g}" if np.isfinite(x) else ("∞" if np.isinf(x) else "—")


def verdict_numbers(v, names: Mapping[str, str], tr: Translator = EN) -> str:
    """The numbers behind one verdict (`mtl_core.experiments.claims.Verdict`) in the page's language."""
    n = v.numbers
    archs = list(n.get("runs", {}))
    nm = {a: _name(names, a) for a in archs}
    if v.claim == "a":
        items = "; ".join(f"{nm[a]} {_g(n['mean_loss'][a][n['rho_high']])} → {_g(n['mean_loss'][a][n['rho_low']])}"
                          for a in archs)
        text = tr("exp.v.a", high=f"{n['rho_high']:g}", low=f"{n['rho_low']:g}", items=items)
    elif v.claim == "b":
        items = "; ".join(f"{nm[a]} {n['degradation'][a]:+.4f}" for a in archs)
        times = ", ".join(f"{nm[a]} {_g(t)}×" if np.isfinite(t) else f"{nm[a]} {_g(t)}"
                          for a, t in n["times_mmoe"].items())
        text = tr("exp.v.b", items=items, times=times, ratio=f"{n['ratio']:g}")
    elif v.claim == "c":
        why = ("exp.v.c_close" if n["within_tolerance"] else "exp.v.c_noise" if n["within_noise"] else "exp.v.c_far")
        text = tr("exp.v.c", rho=f"{n['rho']:g}", mmoe=_g(n["mmoe"]), omoe=_g(n["omoe"]),
                  rel=f"{100 * n['relative_difference']:.0f}", z=_g(abs(n["difference_in_se"])),
                  why=tr(why, tol=f"{100 * n['close_tol']:.0f}", se=_g(n["noise_se"])))
    else:
        measure = tr("exp.v.sd" if n["spread"] == "sd" else "exp.v.iqr")
        table = n["spread_by_rho"]
        rhos = sorted({r for a in archs for r in table[a]}) if n["rho"] == "all" else [n["rho"]]
        items = "; ".join(f"ρ = {r:g}: " + ", ".join(f"{nm[a]} {_g(table[a].get(r))}" for a in archs) for r in rhos)
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
    """One row per claim: the claim, the numbers behind it, holds / does not hold."""
    return pd.DataFrame([{tr("exp.col.claim"): f"({v.claim}) " + tr(f"exp.claim.{v.claim}"),
                          tr("exp.col.numbers"): verdict_numbers(v, names, tr),
                          tr("exp.col.verdict"): tr("exp.v.holds") if v.holds else tr("exp.v.fails")}
                         for v in verdicts])


__all__ = ["verdict_numbers", "verdict_notes", "verdict_table"]
