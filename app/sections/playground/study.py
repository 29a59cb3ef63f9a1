"""Repeat over seeds: the current configuration trained over N seeds, optionally over several values of
the dataset's relatedness knob, as ONE batched job (`mtl_core.grid.iter_grid` through the shared job
runner), with progress, partial results, the spread across seeds and results.csv to download. A
results.csv made by the CLI (`python -m mtl_core sweep ... --out DIR`) loads here too, so an instructor
can precompute a 200-seed study before class.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from mtl_core.config import ExperimentConfig
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.params import ConfigError
from mtl_core.presets import Preset
from mtl_core.records import results_frame, run_counts
from mtl_core.seeds import count_runs
from mtl_core.weighting import WEIGHTINGS

from ...figures.study import study_figure, summary_table, with_variants
from ...i18n import current_lang, entry_name, t, translator
from ...ui.charts import chart
from ...ui.export import csv_text
from ...ui.jobs import Job, grid_job, job_panel
from ...ui.run import Cost, fit_batch, run_panel
from ...ui.section import keyer
from ...ui.state import section_state
from ...ui.text import escape_md, short
from ...ui.upload import read_once
from ...ui.widgets import param_label
from . import SECTION
from .session import short_name

DEFAULT_SEEDS = 10
MAX_SEEDS = 200
JOB_KEY = "playground-study"
BATCH_MIN = 10


_k = keyer(SECTION, "study_")


def study_state() -> dict[str, Any]:
    return section_state(SECTION).setdefault("study", {})


def offer_preset(preset: Preset, open_panel: bool = True) -> None:
    """A study preset opened from the URL fills in the panel (seeds, relatedness values, other axes); the
    Playground's starting preset fills it in too, leaving the panel closed."""
    if preset.is_study:
        study_state().update(preset=preset, open=open_panel)


def _names() -> dict[str, str]:
    lang = current_lang()
    names = {k: short_name(entry_name(lang, "model", a)) for k, a in ARCHITECTURES.items()}
    names.update({k: short_name(entry_name(lang, "weighting", w)) for k, w in WEIGHTINGS.items()})
    names.update({k: entry_name(lang, "data", d) for k, d in DATASETS.items()})
    return names


def parse_values(text: str, cfg: ExperimentConfig) -> list:
    """Comma-separated values of the dataset's relatedness knob, each checked by its Param spec."""
    knob = DATASETS[cfg.data.id].relatedness_param
    spec = DATASETS[cfg.data.id].param(knob)
    out = []
    for item in (x.strip() for x in str(text).split(",")):
        if item:
            value = spec.parse(item, f"data.{knob}")
            if value not in out:
                out.append(value)
    return out


def plan(cfg: ExperimentConfig, n_seeds: int, values: list, extra_axes: dict[str, tuple] | None = None
         ) -> tuple[dict[str, list], list[int]]:
    """(axes, seeds) of the study: the relatedness values (when more than the current one) and any
    extra axes (from a preset), over seeds cfg.train.seed ... + n_seeds - 1."""
    knob = DATASETS[cfg.data.id].relatedness_param
    axes: dict[str, list] = {k: list(v) for k, v in (extra_axes or {}).items()}
    if knob and values:
        axes[f"data.{knob}"] = list(values)
    seeds = list(range(cfg.train.seed, cfg.train.seed + int(n_seeds)))
    return axes, seeds


def _default_numbers(cfg: ExperimentConfig) -> list[float]:
    knob = DATASETS[cfg.data.id].relatedness_param
    if not knob:
        return []
    spec = DATASETS[cfg.data.id].param(knob)
    lo = max(0.0, float(spec.low if spec.low is not None else 0.0))  # from unrelated to identical tasks
    hi = float(spec.high if spec.high is not None else 1.0)
    return [float(f"{lo + (hi - lo) * i / 4:g}") for i in range(5)]


def _values_box(box, cfg: ExperimentConfig, knob: str, preset: Preset | None, errors: list[str]) -> list:
    """The relatedness values' text box: seeded from numbers (a preset's axis, else a spread over the knob's
    range) and parsed when its text changes, not on every run."""
    parsed = _k("values#parsed")  # (text, dataset, values, error) of the text parsed last
    if _k("values") not in st.session_state:
        from_preset = preset.axes.get(f"data.{knob}") if preset else None
        numbers = list(dict.fromkeys(from_preset or _default_numbers(cfg)))
        st.session_state[_k("values")] = ", ".join(f"{v:g}" for v in numbers)
        spec = DATASETS[cfg.data.id].param(knob)
        try:  # typed numbers, checked by the spec without a trip through text
            st.session_state[parsed] = (st.session_state[_k("values")], cfg.data.id,
                                        [spec.parse(v, f"data.{knob}") for v in numbers], None)
        except ConfigError:
            pass  # the text is parsed below, and what is wrong named there
    text = box.text_input(t("study.values", name=param_label(knob, "data")), key=_k("values"),
                          help=t("study.values_help"))
    seen = st.session_state.get(parsed)
    if seen is None or seen[:2] != (text, cfg.data.id):
        try:
            seen = (text, cfg.data.id, parse_values(text, cfg), None)
        except ConfigError as err:
            seen = (text, cfg.data.id, [], str(err).replace(text, short(text)))
        st.session_state[parsed] = seen
    if seen[3] is not None:
        errors.append(seen[3])
    return seen[2]


def _start(cfg: ExperimentConfig, axes: dict[str, list], seeds: list[int], batch: int) -> None:
    state = study_state()
    old = state.get("job")
    if old is not None:
        old.stop()
    # batched, and results arrive value by value
    state.update(job=grid_job(cfg, axes, seeds, max_batch=batch), cfg=cfg)


def _results(rows: list[dict], *, key: str, filename: str | None) -> None:
    """Figure, mean ± sd table and download of result rows (a running job's so far, or a file's)."""
    df = rows if isinstance(rows, pd.DataFrame) else results_frame(rows)
    if df.empty:
        st.caption(t("study.waiting"))
        return
    tr = translator(current_lang())
    df = with_variants(df, _names())
    counts = run_counts(df)
    binary = "task_kind" in df.columns and (df["task_kind"] == "binary").any()
    metric = "val_loss"
    if binary:
        metric = st.radio(t("hist.metric"), ["val_loss", "val_auc"], horizontal=True, key=_k(f"{key}_metric"),
                          format_func=lambda m: tr("fig.val_auc" if m == "val_auc" else "fig.val_loss"))
    chart(study_figure(df, metric=metric, tr=tr), t("study.fig_caption"))
    st.dataframe(summary_table(df, tr=tr), hide_index=True)
    notes = [t("study.counts", runs=counts["runs"])]
    if counts["diverged"]:
        notes.append(t("study.diverged", n=counts["diverged"]))
    if counts["collapsed"]:
        notes.append(t("study.collapsed", n=counts["collapsed"]))
    st.caption(" · ".join(notes))
    if filename:
        st.download_button(t("study.download"), csv_text(df.drop(columns="variant")),
                           file_name=filename, mime="text/csv", on_click="ignore", icon=":material/download:",
                           key=_k(f"{key}_download"))


def _run_tab(cfg: ExperimentConfig | None) -> None:
    state = study_state()
    if cfg is None:
        st.info(t("study.invalid"), icon=":material/block:")
    else:
        preset: Preset | None = state.get("preset")
        data = DATASETS[cfg.data.id]
        knob = data.relatedness_param
        extra: dict[str, tuple] = {}
        if _k("seeds") not in st.session_state:
            st.session_state[_k("seeds")] = len(preset.seeds) if preset else DEFAULT_SEEDS
        c_seeds, c_values = st.columns([1, 2], vertical_alignment="bottom")
        n_seeds = c_seeds.number_input(t("study.seeds"), min_value=1, max_value=MAX_SEEDS, step=1, key=_k("seeds"),
                                       help=t("study.seeds_help"))
        values: list = []
        errors: list[str] = []
        if knob:
            values = _values_box(c_values, cfg, knob, preset, errors)
        else:
            c_values.caption(t("study.no_knob"))
        if preset is not None:
            extra = {k: v for k, v in preset.axes.items() if k != f"data.{knob}"}
            if extra:
                use = st.toggle(t("study.preset_axes", preset=preset.title.get(current_lang(), preset.id),
                                  axes="; ".join(f"{k} = {', '.join(map(str, v))}" for k, v in extra.items())),
                                value=True, key=_k("preset_axes"))
                extra = extra if use else {}
        axes, seeds = plan(cfg, n_seeds, values, extra)
        n_runs = count_runs(seeds, axes)
        # a batch per relatedness value (at least 10 runs), smaller where its data would pass the caps
        cost = Cost(((cfg, n_runs),), fit_batch(cfg, min(n_runs, max(len(seeds), BATCH_MIN))))
        job: Job | None = state.get("job")
        run_panel(_k("run"), t("study.run"), _start, (cfg, axes, seeds, cost.batch), cost=cost,
                  busy=job is not None and job.active, errors=errors, errors_title=t("err.config"), widths=(1, 4),
                  note=t("study.plan", runs=n_runs, seeds=len(seeds), values=len(axes.get(f"data.{knob}", [])) or 1))
    job_panel(JOB_KEY, lambda: study_state().get("job"),
              lambda job: _results(job.rows if job is not None else [], key="job",
                                   filename="results.csv" if job is not None and job.ended else None)
              if job is not None else None)


def _load_tab() -> None:
    st.caption(t("study.load_help"))
    upload = st.file_uploader(t("study.upload"), type=["csv"], key=_k("upload"))
    if upload is None:
        return
    name = escape_md(upload.name[:80])
    checked = read_once(upload, study_state())
    if checked.frame is None:
        st.error(t("study.bad_file", name=name, msg=escape_md(checked.error)), icon=":material/error:")
        return
    st.success(t("study.loaded", name=name, rows=len(checked.frame)), icon=":material/check_circle:")
    _results(checked.frame, key="file", filename=None)


def study_panel(cfg: ExperimentConfig | None) -> None:
    """The collapsed "Repeat over seeds" panel under the live views."""
    state = study_state()
    with st.expander(t("study.title"), icon=":material/stacked_line_chart:", expanded=bool(state.get("open"))):
        st.caption(t("study.intro"))
        tab_run, tab_load = st.tabs([t("study.tab_run"), t("study.tab_load")])
        with tab_run:
            _run_tab(cfg)
        with tab_load:
            _load_tab()
