"""Where each method steps, drawn on a page: the strategies to draw (a multiselect whose default is every
gradient-combining strategy whose step these gradients decide, plus EW), the plane figure for two tasks and the
table for any number. Shared by the balancing lab and the Playground (each passes its own widget keys)."""
from __future__ import annotations

from typing import Mapping

import streamlit as st

from mtl_core.experiments.steps import EXACT, RANDOM, SKIPPED, StepView
from mtl_core.weighting import WEIGHTINGS

from ..figures.steps import step_figure, step_frame
from ..i18n import current_lang, t, translator
from .charts import chart

REFERENCE = "ew"  # always offered first: the plain sum every strategy is a change of


def default_methods(view: StepView) -> list[str]:
    """EW and the gradient-combining strategies whose drawn step is decided by these gradients alone (or one
    seeded draw): the ones whose geometry the view teaches. The others can be added."""
    return [w for w in view.shown() if w == REFERENCE or (WEIGHTINGS[w].gradient_based
                                                           and view.steps[w].status in (EXACT, RANDOM))]


def _methods(view: StepView, key: str, names: Mapping[str, str]) -> list[str]:
    options = view.shown()
    if key in st.session_state and not set(st.session_state[key]) <= set(options):
        del st.session_state[key]
    if key not in st.session_state:
        st.session_state[key] = default_methods(view)
    return st.multiselect(t("steps.methods"), options, key=key, format_func=lambda w: names.get(w, w))


def show_view(view: StepView, names: Mapping[str, str], key: str) -> None:
    """The figure (two tasks) with its strategy picker and direction toggle, then the table of every strategy
    (in an expander below a figure; directly when there is no figure). `key` prefixes the widget keys."""
    tr = translator(current_lang())
    frame_of = lambda ids: step_frame(view, ids, names=names, tr=tr)  # noqa: E731
    if view.n_tasks == 2:
        ids = _methods(view, f"{key}-methods", names)
        unit = st.toggle(t("steps.unit"), key=f"{key}-unit", help=t("steps.unit_help"))
        chart(step_figure(view, ids, names=names, unit=unit, tr=tr), key=f"{key}-figure")
        with st.expander(t("steps.table_title"), icon=":material/table_rows:"):
            _table(frame_of(list(view.steps)))
            st.caption(t("steps.table_caption"))
    else:
        st.caption(t("steps.more_tasks", n=view.n_tasks))
        _table(frame_of(list(view.steps)))
        st.caption(t("steps.table_caption"))
    skipped = [names.get(w, w) for w, s in view.steps.items() if s.status == SKIPPED]
    if skipped:
        st.caption(t("steps.skipped", names=", ".join(skipped)))


def _table(df) -> None:
    fmt = {c: "{:.3g}" for c in df.columns if df[c].dtype.kind == "f"}
    st.dataframe(df.style.format(fmt, na_rep="—"), hide_index=True, width="stretch",
                 height=36 * (len(df) + 1) + 4)
