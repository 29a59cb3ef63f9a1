"""What the UI needs to know about a configured model and dataset, without training anything.

Pure functions over mtl_core (no streamlit); `app/cached.py` memoises them per session-independent key.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from mtl_core.data import DATASETS
from mtl_core.models.base import SHARED_REP
from mtl_core.models import ARCHITECTURES, build_model, count_parameters


@dataclass(frozen=True)
class ModelInfo:
    arch: str
    tasks: tuple[str, ...]
    kinds: tuple[str, ...]
    layout: dict = field(default_factory=dict)  # model.gate_layout(): gate -> expert names
    children: tuple[str, ...] = ()  # top-level module names (e.g. "stitch", "transfer")
    shared_prefixes: tuple[str, ...] = ()  # parameter prefixes shared across tasks
    extras: tuple[str, ...] = ()  # extra outputs (e.g. ESMM's "ctcvr")
    categorical: bool = False  # the input has ID embeddings
    n_params: int = 0
    n_params_paper: int = 0
    error: str = ""  # why this model cannot be built for this dataset ("" = fine)


def describe_model(data_id: str, data_params: dict, model_id: str, model_params: dict) -> ModelInfo:
    """Build the model once on CPU (seed 0) to read its structure and size. Errors become `error`."""
    info = DATASETS[data_id]
    spec = info.spec(dict(data_params))
    tasks = spec.task_names
    kinds = tuple(t.kind for t in spec.tasks)
    reason = ARCHITECTURES[model_id].supports(spec)
    if reason:
        return ModelInfo(model_id, tasks, kinds, error=reason)
    try:
        torch.manual_seed(0)
        model = build_model(model_id, spec, dict(model_params))
        with torch.no_grad():
            out = model(torch.zeros(2, spec.schema.n_dense),
                        torch.zeros(2, spec.schema.n_categorical, dtype=torch.long))
        return ModelInfo(
            arch=model_id, tasks=tasks, kinds=kinds,
            layout={g: list(e) for g, e in model.gate_layout().items()},
            children=tuple(n for n, _ in model.named_children()),
            shared_prefixes=tuple(model.shared_prefixes),
            extras=tuple(k for k in out.extras if k != SHARED_REP),  # extra predictions only
            categorical=spec.schema.n_categorical > 0,
            n_params=count_parameters(model), n_params_paper=count_parameters(model, paper_convention=True))
    except Exception as err:  # noqa: BLE001 - shown to the user as a sentence, never a traceback
        return ModelInfo(model_id, tasks, kinds, error=str(err))


def label_correlation(data_id: str, data_params: dict, seed: int, cap: int = 50_000) -> tuple[float | None, int]:
    """Measured Pearson correlation of the first two tasks' training labels, and the sample count used.

    Sample-size parameters above `cap` are lowered for the measurement so the control stays responsive.
    """
    info = DATASETS[data_id]
    params = dict(data_params)
    specs = {p.name: p for p in info.params}
    used = None
    for name in ("n_train", "n_impressions"):
        if name in params and isinstance(params[name], int) and params[name] > cap:
            low = specs[name].low or 0
            params[name] = max(int(low), cap)
            used = params[name]
    ds = info.build(params, seed)
    r = ds.meta.get("label_pearson")
    n = used or len(ds.train)
    return (None if r is None else float(r)), n
