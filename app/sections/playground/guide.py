"""What the Playground tells a learner before the first run: the banner of a preset opened from a link or a
lesson (its title, one-line description and what to do), otherwise a first-steps hint written from the
configuration on screen (never one that names another model or ρ than the sidebar shows), and, for data
that must be downloaded once, the button that fetches it (Train stays disabled until it is there)."""
from __future__ import annotations

from typing import Callable

import streamlit as st

from mtl_core.config import ExperimentConfig
from mtl_core.data import DATASETS, census
from mtl_core.models import ARCHITECTURES
from mtl_core.presets import Preset

from ...i18n import current_lang, entry_name, translator
from ...ui.modelinfo import ModelInfo
from ...ui.section import keyer
from ...ui.state import section_state
from ...ui.text import escape_md, short
from . import SECTION
from .session import short_name

# Datasets that must be downloaded once: id -> (is it here?, fetch it). Each names its own command.
FETCHED: dict[str, tuple[Callable[[], bool], Callable[..., object]]] = {
    "census": (lambda: census.is_available(), lambda: census.fetch(log=lambda _line: None)),
}
_k = keyer(SECTION, "guide_")


def _watch(info: ModelInfo | None, tr) -> str:
    gated = info is not None and not info.error and bool(info.gates)
    return tr("guide.watch_gates" if gated else "guide.watch_curves")


def first_steps(cfg: ExperimentConfig, info: ModelInfo | None, lang: str, study: Preset | None = None,
                hidden: tuple[str, ...] | list[str] = ()) -> str:
    """The "what to do first" hint for this configuration (Markdown); it asks only for changes the
    controls on screen can make (a classroom link may hide some)."""
    tr = translator(lang)
    model = short_name(entry_name(lang, "model", ARCHITECTURES[cfg.model.id]))
    data = DATASETS[cfg.data.id]
    knob = data.relatedness_param
    then = None
    if knob and knob in cfg.data.params:
        value = float(cfg.data.params[knob])
        name = "ρ" if knob == "rho" else knob
        setting = f"{model}, {name} = {value:g}"
        if "data" not in hidden:
            then = tr("guide.then_knob", knob=name, toward=f"{0.0 if value > 0.25 else 1.0:g}")
    else:
        setting = f"{model}, {short_name(entry_name(lang, 'data', data))}"
    if then is None and "model" not in hidden:
        then = tr("guide.then_model")
    key = "guide.first" if then is not None else "guide.first_only"
    text = tr(key, setting=escape_md(setting), watch=_watch(info, tr), then=then or "")
    if study is not None and study.is_study and "study" not in hidden:
        text += " " + tr("guide.study", n=study.n_runs, what=study_summary(study, lang))
    return text


def study_summary(preset: Preset, lang: str) -> str:
    """"Shared-Bottom, MMoE × ρ = 0.5, 0.9, 1 × 10 seeds" from a study preset's axes."""
    parts = []
    for key, values in preset.axes.items():
        if key == "model":
            parts.append(", ".join(short_name(entry_name(lang, "model", ARCHITECTURES[v])) for v in values))
        else:
            name = "ρ" if key == "data.rho" else key
            parts.append(f"{name} = " + ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values))
    tr = translator(lang)
    parts.append(tr("guide.seeds", n=len(preset.seeds)))
    return " × ".join(parts)


def preset_banner(preset: Preset, info: ModelInfo | None, lang: str) -> None:
    """The loaded preset named, with its description and what to do with it."""
    tr = translator(lang)
    title = preset.title.get(lang, preset.title["en"])
    desc = preset.description.get(lang, preset.description["en"])
    if preset.is_study:
        todo = tr("guide.todo_study", what=study_summary(preset, lang), n=preset.n_runs)
    else:
        todo = tr("guide.todo_run", watch=_watch(info, tr))
    st.success(f"**{tr('guide.preset', title=title)}**\n\n{desc}\n\n{todo}", icon=":material/bookmark:")


def missing_data(cfg: ExperimentConfig | None) -> bool:
    """True when the configuration's data must be fetched first; then the fetch box is drawn."""
    if cfg is None or cfg.data.id not in FETCHED:
        return False
    here, fetch = FETCHED[cfg.data.id]
    if here():
        return False
    lang = current_lang()
    tr, state = translator(lang), section_state(SECTION)
    name = entry_name(lang, "data", DATASETS[cfg.data.id])
    with st.container(border=True):
        st.markdown(tr("guide.fetch_missing", data=name))
        if st.button(tr("guide.fetch"), key=_k("fetch"), icon=":material/download:", type="primary"):
            with st.spinner(tr("guide.fetching")):
                try:
                    fetch()
                    state["fetch_error"] = None
                except Exception as err:  # noqa: BLE001 - no network, pip missing...: a sentence, never a traceback
                    state["fetch_error"] = escape_md(short(str(err), 300))
            if state.get("fetch_error") is None and here():
                st.rerun()
        if state.get("fetch_error"):
            st.error(tr("guide.fetch_failed", msg=state["fetch_error"]), icon=":material/error:")
    return True
