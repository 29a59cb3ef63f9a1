"""Run history: a table of this tab's runs, an overlay chart, CSV/JSON downloads, reloading a config.
The CSV is the records' long-format history (`mtl_core.records.history_rows`)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from mtl_core.records import history_rows

from ...figures import compare_figure
from ...i18n import current_lang, t, translator
from ...ui.charts import chart
from ...ui.export import csv_text
from ...ui.section import keyer
from ...ui.state import forget_widgets
from . import SECTION
from .controls import set_config
from .live import get_session
from .session import Run


_k = keyer(SECTION)


def runs_table(runs: list[Run]) -> pd.DataFrame:
    rows = []
    for r in runs:
        last = r.last
        row = {t("hist.col.run"): r.label, t("hist.col.status"): t(f"status.{r.status}"),
               t("hist.col.epochs"): round(last.epoch, 2) if last else 0.0,
               t("hist.col.time"): round(last.elapsed_s, 1) if last else 0.0}
        if last is not None:
            for k, task in enumerate(last.tasks):
                row[t("hist.col.val", task=task)] = float(last.val_loss[0, k])
                if last.task_kinds[k] == "binary":
                    row[t("hist.col.auc", task=task)] = float(last.val_auc[0, k])
        rows.append(row)
    return pd.DataFrame(rows)


def history_csv(runs: list[Run]) -> str:
    rows = []
    for r in runs:
        for snap in r.snaps:
            rows += [{"run_id": r.id, "run_label": r.label, **row} for row in history_rows(snap)]
    return csv_text(pd.DataFrame(rows))


def _load(run: Run) -> None:
    """Put a past run's settings back into the controls (widgets re-seed from the memory)."""
    set_config(run.cfg)
    forget_widgets(SECTION, "w:")


def history_section() -> None:
    sess = get_session()
    st.header(t("hist.title"), divider="gray")
    runs = list(sess.history)
    if not runs:
        st.caption(t("hist.empty"))
        return
    st.caption(t("hist.caption"))
    st.dataframe(runs_table(runs), hide_index=True)
    by_id = {r.id: r for r in runs}
    c_pick, c_metric, c_log = st.columns([4, 1.3, 1], vertical_alignment="bottom")
    chosen = c_pick.multiselect(t("hist.overlay"), list(by_id), default=list(by_id)[-2:],
                                format_func=lambda i: by_id[i].label, key=_k(f"overlay_{runs[-1].id}"))
    any_binary = any(r.last is not None and "binary" in r.last.task_kinds for r in runs)
    metrics = ["val_loss", "val_auc"] if any_binary else ["val_loss"]
    metric = c_metric.selectbox(t("hist.metric"), metrics, key=_k("hist_metric"),
                                format_func=lambda m, tr=translator(current_lang()): tr(
                                    "fig.val_auc" if m == "val_auc" else "fig.val_loss"))
    log = c_log.toggle(t("view.loss.log"), key=_k("hist_log"))
    fig = compare_figure([(by_id[i].label, by_id[i].series()) for i in chosen], metric=metric, log=log,
                         tr=translator(current_lang()))
    chart(fig, t("hist.compare_caption"))

    c_run, c_load = st.columns([3, 2], vertical_alignment="bottom")
    pick = c_run.selectbox(t("hist.pick"), list(by_id)[::-1], format_func=lambda i: by_id[i].label,
                           key=_k(f"hist_pick_{runs[-1].id}"))
    run = by_id[pick]
    c_load.button(t("hist.load"), key=_k("hist_load"), on_click=_load, args=(run,),
                  icon=":material/settings_backup_restore:")
    slug = f"mtl-run{run.id}-{run.cfg.model.id}-{run.cfg.weighting.id}"
    with st.container(horizontal=True):
        st.download_button(t("hist.download_csv"), history_csv([run]), file_name=f"{slug}.csv", mime="text/csv",
                           on_click="ignore", icon=":material/download:")
        st.download_button(t("hist.download_json"), run.cfg.to_json(), file_name=f"{slug}.json",
                           mime="application/json", on_click="ignore", icon=":material/download:")
        st.download_button(t("hist.download_all"), history_csv(runs), file_name="mtl-runs.csv", mime="text/csv",
                           on_click="ignore", icon=":material/download:")
        st.button(t("hist.clear"), key=_k("hist_clear"), on_click=sess.clear_history, icon=":material/delete:")
