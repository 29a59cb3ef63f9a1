"""What the UI needs to know about a configured model and dataset, without training anything.

Pure functions over mtl_core (no streamlit); `cache.py` memoises them under session-independent keys.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES, build_model, count_parameters
from mtl_core.models.base import Structure


@dataclass(frozen=True)
class ModelInfo:
    arch: str
    tasks: tuple[str, ...]
    kinds: tuple[str, ...]
    structure: Structure = field(default_factory=lambda: Structure("separate"))  # model.structure()
    shared_modules: tuple[str, ...] = ()  # parameter-name prefixes shared across tasks
    categorical: bool = False  # the input has ID embeddings
    n_params: int = 0
    n_params_paper: int = 0
    error: str = ""  # why this model cannot be built for this dataset ("" = fine)

    @property
    def gates(self):
        return self.structure.gates


def describe_model(data_id: str, data_params: dict, model_id: str, model_params: dict) -> ModelInfo:
    """Build the model once on CPU (seed 0) to read its structure and size. Errors become `error`.
    The parameters are typed values checked where they entered (a checked config's, a widget's, the defaults),
    so they are not parsed again; a missing or inactive one takes its default."""
    info = DATASETS[data_id]
    spec = info.spec(dict(data_params))
    tasks = spec.task_names
    kinds = tuple(t.kind for t in spec.tasks)
    reason = ARCHITECTURES[model_id].supports(spec)
    if reason:
        return ModelInfo(model_id, tasks, kinds, error=reason)
    try:
        torch.manual_seed(0)
        specs = ARCHITECTURES[model_id].params
        given = {p.name: model_params.get(p.name, p.default) for p in specs}
        model = build_model(model_id, spec, {p.name: given[p.name] if p.active(given) else p.default for p in specs},
                            checked=True)
        return ModelInfo(
            arch=model_id, tasks=tasks, kinds=kinds, structure=model.structure(),
            shared_modules=tuple(model.shared_modules), categorical=spec.schema.n_categorical > 0,
            n_params=count_parameters(model), n_params_paper=count_parameters(model, paper_convention=True))
    except Exception as err:  # noqa: BLE001 - shown to the user as a sentence, never a traceback
        return ModelInfo(model_id, tasks, kinds, error=str(err))


def label_correlation(data_id: str, data_params: dict, seed: int, cap: int = 50_000) -> tuple[float | None, int]:
    """Measured Pearson correlation of the first two tasks' training labels, and the sample count used.

    A dataset size above `cap` (its declared `size_param`) is lowered for the measurement so the control
    stays responsive.
    """
    info = DATASETS[data_id]
    params = dict(data_params)
    size = info.size_param
    used = None
    if isinstance(params.get(size), int) and params[size] > cap:
        params[size] = max(int(info.param(size).low or 0), cap)
        used = params[size]
    ds = info.build(params, seed)
    r = ds.meta.get("label_pearson")
    n = used or len(ds.train)
    return (None if r is None else float(r)), n
