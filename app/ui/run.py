"""The run panel every section shares, behind one admission gate.

A section describes what its Run would train as a `Cost` (each configuration with its number of runs,
and how many runs train at once); `admission(cost)` says why that is over the classroom caps
(`app.server.over_caps` for one run of each configuration, `app.server.study_over_caps` for the study),
before anything is allocated. `run_panel` draws the Run button, disabled while the settings are
invalid, over the caps or a job of the page trains, with the plan, the errors and the caps beside it;
its click checks the gate again, so a stale page cannot start what the gate refuses.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import streamlit as st

from .. import server
from ..i18n import t, t_invalid
from .clicks import once_per_click
from .text import bullets


@dataclass(frozen=True)
class Cost:
    """What a Run would train: (configuration, runs of it) parts, the most runs trained at once, and the
    model's parameter count where the page knows it."""
    parts: tuple[tuple[Any, int], ...]
    batch: int = 1
    n_params: int | None = None

    @property
    def runs(self) -> int:
        return sum(n for _, n in self.parts)


def classroom() -> bool:
    return bool(server.CLASSROOM)


def fit_batch(cfg, want: int, limits=None) -> int:
    """The most runs (1..want) trained at once whose data stays within the classroom's study data cap;
    `want` itself outside classroom mode. Pages train in batches of this size, so a study that would hold
    too much data at once trains in smaller batches instead of being refused."""
    want = max(1, int(want))
    if not classroom():
        return want
    limits = server.LIMITS if limits is None else limits
    try:
        fits = lambda n: server.data_mb(cfg.data.id, dict(cfg.data.params), runs=n) <= limits.max_study_data_mb
        if fits(want):
            return want
        lo, hi = 1, want  # fits(lo) is assumed; the per-run caps judge a single run
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if fits(mid) else (lo, mid)
        return lo
    except Exception:  # noqa: BLE001 - no estimate for this dataset: train as asked, the caps still apply
        return want


def admission(cost: Cost | None, tr: Callable[..., str] = t) -> list[str]:
    """Why `cost` may not train on this server: one sentence per cap, each naming the setting, its value and
    the cap; empty when it may. Classroom mode's caps, or an open server's generous ones (one link must not
    take any server down)."""
    if cost is None:
        return []
    limits = server.active_limits()
    out: list[str] = []
    for cfg, _ in cost.parts:
        out += server.over_caps(cfg, limits, cost.n_params, tr=tr)
        if cost.runs > 1:
            out += server.study_over_caps(cfg, cost.runs, max(1, cost.batch), limits, tr=tr)
    return list(dict.fromkeys(out))


def caps_box(caps: Sequence[str]) -> None:
    if caps:
        st.error(t("server.cap.title" if classroom() else "server.cap.title_open") + "\n\n" + "\n".join(f"- {c}" for c in caps), icon=":material/block:")


def errors_box(title: str, errors: Sequence[str], where=None) -> None:
    """Invalid settings in one box; each item echoes what the learner typed or linked, so it is escaped."""
    if errors:
        (where or st).error(bullets(title, [t_invalid(e) for e in errors]), icon=":material/block:")


def run_panel(key: str, label: str, start: Callable[..., None], args: tuple = (), *, cost: Cost | None,
              busy: bool = False, note: str = "", errors: Sequence[str] = (), errors_title: str | None = None,
              widths: tuple[int, int] = (1, 3)) -> list[str]:
    """The Run button and its plan. Disabled while `errors` (shown beside it under `errors_title`, or by
    the page when None), while the gate refuses `cost` (its sentences shown below) or while `busy`.
    Returns the gate's sentences."""
    caps = [] if errors else admission(cost)

    def guarded(*a: Any) -> None:
        if not admission(cost):
            start(*a)

    c_run, c_note = st.columns(list(widths), vertical_alignment="center")
    c_run.button(label, key=key, type="primary", icon=":material/play_arrow:",
                 disabled=bool(errors) or bool(caps) or busy or cost is None,
                 on_click=once_per_click(key, guarded), args=args, width="stretch")
    if errors and errors_title is not None:
        errors_box(errors_title, errors, c_note)
    elif note:
        c_note.caption(note)
    caps_box(caps)
    return caps


__all__ = ["Cost", "fit_batch", "admission", "run_panel", "caps_box", "errors_box", "classroom"]
