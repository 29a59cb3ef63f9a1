"""Memoised pure data, safe to share between sessions (the only module-level caches of the app)."""
from __future__ import annotations

import streamlit as st

from mtl_core.train import available_devices

from .modelinfo import ModelInfo, describe_model, label_correlation


@st.cache_data(max_entries=256, show_spinner=False)
def cached_model_info(data_id: str, data_items: tuple, model_id: str, model_items: tuple) -> ModelInfo:
    return describe_model(data_id, dict(data_items), model_id, dict(model_items))


@st.cache_data(max_entries=128, show_spinner=False)
def cached_label_correlation(data_id: str, data_items: tuple, seed: int) -> tuple[float | None, int]:
    return label_correlation(data_id, dict(data_items), seed)


@st.cache_data(show_spinner=False)
def cached_devices() -> list[str]:
    return available_devices()


def model_info_for(cfg) -> ModelInfo:
    """ModelInfo of a validated ExperimentConfig."""
    return cached_model_info(cfg.data.id, tuple(sorted(cfg.data.params.items())),
                             cfg.model.id, tuple(sorted(cfg.model.params.items())))
