"""The Experiments page's last tab: a results.csv made by the CLI (`python -m mtl_core sweep ... --out DIR`),
checked against the upload budget and parsed once, then drawn with the views of the study it holds."""
from __future__ import annotations

import streamlit as st

from ...figures.experiments import final_loss_figure
from ...i18n import t
from ...ui.charts import chart
from ...ui.text import escape_md
from ...ui.upload import read_once
from .controls import arch_names
from .results import classify, run_frame
from .runner import _k, page_tr, state
from .tab_census import census_view
from .tab_sweep import trainability_view
from .verdicts import verdict_view


def load_tab() -> None:
    st.markdown(t("exp.load.intro"))
    upload = st.file_uploader(t("exp.load.upload"), type=["csv"], key=_k("upload"), help=t("exp.load.help"))
    if upload is None:
        return
    name = escape_md(upload.name[:80])
    checked = read_once(upload, state())
    loaded = classify(checked.frame) if checked.frame is not None else None
    if loaded is None or loaded.frame is None:
        msg = checked.error if loaded is None else loaded.error
        st.error(t("exp.load.bad", name=name, msg=escape_md(msg)), icon=":material/error:")
        return
    df = loaded.frame
    runs = run_frame(df)
    st.success(t("exp.load.ok", name=name, rows=len(df), runs=len(runs)), icon=":material/check_circle:")
    if loaded.kind == "census":
        census_view(df, "load_census")
        return
    names = arch_names()
    st.caption(t("exp.load.no_curves"))
    chart(final_loss_figure(runs, names, tr=page_tr()), t("exp.sweep.final_caption"))
    st.subheader(t("exp.tab.trainability"), divider="gray")
    trainability_view(df, "load")
    verdict_view(df, "load")
