"""Where each zoo entry's link goes: the page that trains it, with a setting it can train under.

Pure (no streamlit), so a test can follow every link: an architecture that trains on the default dataset
opens the Playground; one that needs a funnel and is one of the funnel comparison's models opens the Funnel
explorer with that model beside the naive baseline; any other opens the Playground on the first dataset
(registry order) it can train on; a weighting opens the Playground with that weighting; a
dataset opens the Playground on that dataset (with the first architecture that fits it, when the default
one does not). `url.href` adds the page's language.
"""
from __future__ import annotations

from mtl_core.config import ExperimentConfig, from_flat
from mtl_core.data import DATASETS
from mtl_core.experiments import funnel as fx
from mtl_core.models import ARCHITECTURES
from mtl_core.params import ConfigError

FUNNEL_BASELINE = "naive"  # the funnel explorer's "no entire-space loss" model, shown beside the linked one


def funnel_model(arch_id: str) -> str | None:
    """The funnel comparison's model built from `arch_id` (the first one, e.g. esmm for ESMM), or None."""
    return next((m.id for m in fx.MODELS.values() if m.arch == arch_id), None)


def trains(keys: dict[str, str]) -> ExperimentConfig | None:
    """The Playground's configuration for a link's keys, or None when the Playground would refuse them."""
    try:
        return from_flat(keys)
    except ConfigError:
        return None


def arch_target(arch_id: str) -> tuple[str, dict[str, str]]:
    """(section id, link keys) that train architecture `arch_id`."""
    default_data = next(iter(DATASETS))
    model = funnel_model(arch_id)
    if model is not None and trains({"model": arch_id}) is None:
        models = [FUNNEL_BASELINE, model] if model != FUNNEL_BASELINE else [model]
        return "funnel", {"funnel.models": ",".join(models)}
    for data_id in DATASETS:
        keys = {"model": arch_id} if data_id == default_data else {"data": data_id, "model": arch_id}
        if trains(keys) is not None:
            return "playground", keys
    return "playground", {"model": arch_id}  # nothing fits: the Playground says why


def weighting_target(weighting_id: str) -> tuple[str, dict[str, str]]:
    return "playground", {"weighting": weighting_id}


def data_target(data_id: str) -> tuple[str, dict[str, str]]:
    if trains({"data": data_id}) is not None:
        return "playground", {"data": data_id}
    for arch_id in ARCHITECTURES:
        keys = {"data": data_id, "model": arch_id}
        if trains(keys) is not None:
            return "playground", keys
    return "playground", {"data": data_id}


TARGETS = {"model": arch_target, "weighting": weighting_target, "data": data_target}


def target(kind: str, entry_id: str) -> tuple[str, dict[str, str]]:
    """kind: "model", "weighting" or "data"."""
    return TARGETS[kind](entry_id)


def default_data(arch_id: str) -> str:
    """The dataset an architecture is shown on (its parameter count, diagram): where its link trains it."""
    section, keys = arch_target(arch_id)
    if section == "funnel":
        return fx.DATA_ID
    return keys.get("data", next(iter(DATASETS)))
