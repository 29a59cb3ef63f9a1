"""The lesson widget "fusion_feed": fuse a trained model's five predictions on the feed world into one
ranking score, and judge the ranking by the TRUE value it collects (`mtl_core.data.feed`).

A small MMoE is trained once per server process on a small feed world (`feed_predictions`, a few seconds,
cached), and its test-split predictions are the candidates: each test user's impressions. The learner
picks a user, a formula (weighted sum or product of powers, `feed.fusion_score`) and the weights; the
page ranks that user's candidates and reports the true value of the top K, for this user and averaged over
every test user (`feed.topk_value`), next to the ceiling of ranking by the true value itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from mtl_core.config import from_flat
from mtl_core.data.feed import TASKS, TRUTH, fusion_score, topk_value, true_value
from mtl_core.train import Trainer

from ...i18n import t
from ...ui.state import section_key
from . import SECTION

TOP_K = 5
# 200 users see 20,000 impressions: ~15 test candidates each. Three epochs of MMoE: a few seconds on one core.
FUSION_WORLD = {"data": "feed", "data.n_impressions": 20_000, "data.n_users": 200, "data.n_items": 1000,
                "model": "mmoe", "train.epochs": 3, "train.batch_size": 256, "train.lr": 0.003,
                "train.seed": 0, "train.baseline": False}
SLIDERS = {"sum": (0.0, 30.0, 0.5), "product": (0.0, 2.0, 0.1)}  # (low, high, step) of a weight
DEFAULTS = {"sum": {"view": 0.0, "watch": 1.0, "like": 0.0, "follow": 0.0, "share": 0.0},
            "product": {"view": 1.0, "watch": 0.0, "like": 0.0, "follow": 0.0, "share": 0.0}}


@dataclass(frozen=True)
class Candidates:
    preds: dict[str, np.ndarray]  # task -> (N,) predicted probability (watch: expected share)
    truth: dict[str, np.ndarray]  # task -> (N,) true probability / expectation
    value: np.ndarray  # (N,) true business value
    users: np.ndarray  # (N,)
    items: np.ndarray  # (N,)
    test_auc: dict[str, float]

    def user_rows(self, user: int) -> np.ndarray:
        return np.flatnonzero(self.users == user)


def feed_predictions(flat: dict | None = None) -> Candidates:
    """Train the small model and return its test-split candidates (pure; the page caches it)."""
    cfg = from_flat(flat or FUSION_WORLD)
    trainer = Trainer(cfg, probe_cosine=False)
    final = list(trainer)[-1]
    out = trainer.predict("test")
    preds = {k: v[0].astype(np.float64) for k, v in out["preds"].items()}
    truth = {k: out["truth"][TRUTH[k]][0].astype(np.float64) for k in TASKS}
    cat = trainer.splits["test"].cat[0].cpu().numpy()
    aucs = {task: float(final.test_auc[0, i]) for i, task in enumerate(final.tasks) if np.isfinite(final.test_auc[0, i])}
    return Candidates(preds, truth, true_value(truth), cat[:, 0], cat[:, 1], aucs)


@st.cache_resource(show_spinner=False)
def _cached() -> Candidates:
    return feed_predictions()


def busiest_users(c: Candidates, n: int = 12) -> list[int]:
    """The n users with most test candidates (most interesting to rank), by id."""
    ids, counts = np.unique(c.users, return_counts=True)
    return sorted(int(u) for u in ids[np.argsort(-counts, kind="stable")[:n]])


def formula_terms(form: str, weights: dict[str, float]) -> str:
    used = [(k, w) for k, w in weights.items() if w]
    if not used:
        return "0"
    if form == "sum":
        return " + ".join(f"{w:g}·p({k})" for k, w in used)
    return " · ".join(f"p({k})^{w:g}" for k, w in used)


def ranking(c: Candidates, user: int, weights: dict[str, float], form: str) -> pd.DataFrame:
    """The user's candidates, best fused score first: item, predictions, score, true value."""
    rows = c.user_rows(user)
    scores = fusion_score({k: v[rows] for k, v in c.preds.items()}, weights, form)
    order = np.argsort(-scores, kind="stable")
    return pd.DataFrame({"item": c.items[rows][order], **{k: c.preds[k][rows][order] for k in TASKS},
                         "score": scores[order], "value": c.value[rows][order]})


def fusion_feed_widget(lesson=None) -> None:
    with st.container(border=True):
        st.markdown(f"**:material/tune: {t('les.ff.title')}**")
        st.caption(t("les.ff.intro"))
        with st.spinner(t("les.ff.training")):
            c = _cached()
        top = st.columns([1, 2])
        users = busiest_users(c)
        user = top[0].selectbox(t("les.ff.user"), users, key=section_key(SECTION, "ff:user"))
        forms = {f: t(f"les.ff.form.{f}") for f in ("sum", "product")}
        form = top[1].radio(t("les.ff.form"), list(forms), format_func=forms.get, horizontal=True,
                            key=section_key(SECTION, "ff:form"))
        low, high, step = SLIDERS[form]
        weights = {}
        for col, task in zip(st.columns(len(TASKS)), TASKS):
            with col:
                weights[task] = st.slider(t("les.ff.w", task=task), low, high, DEFAULTS[form][task], step,
                                          key=section_key(SECTION, f"ff:{form}:{task}"))
        st.markdown(f"`{t(f'les.ff.formula.{form}', terms=formula_terms(form, weights))}`")
        table = ranking(c, user, weights, form)
        shown = table.rename(columns={"item": t("les.ff.col.item"), "score": t("les.ff.col.score"),
                                      "value": t("les.ff.col.value")})
        shown.insert(0, t("les.ff.col.rank"), range(1, len(shown) + 1))
        st.dataframe(shown.round(4), hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)))
        scores = fusion_score(c.preds, weights, form)
        best_user = np.sort(table["value"].to_numpy())[::-1][:TOP_K].sum()
        m = st.columns(2)
        m[0].metric(t("les.ff.value_user", k=TOP_K), f"{table['value'].iloc[:TOP_K].sum():.2f} / {best_user:.2f}")
        m[1].metric(t("les.ff.value_all", k=TOP_K), f"{topk_value(scores, c.value, c.users, TOP_K):.2f} / "
                    f"{topk_value(c.value, c.value, c.users, TOP_K):.2f}")
        st.caption(t("les.ff.value_best"))
        aucs = ", ".join(f"{k} {v:.3f}" for k, v in c.test_auc.items())
        st.caption(t("les.ff.note", model="MMoE", aucs=aucs))

