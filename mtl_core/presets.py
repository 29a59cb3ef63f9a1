"""Presets: named, validated configurations (and, for studies, their grid), shared by pages, CLI and lessons.

A preset is the common currency of the product: a lesson's "Run it" button opens `?preset=ID` on the
page named by `section`, the CLI runs `train --preset ID` or `sweep --preset ID`, and a test validates
every one. `config` holds flat overrides of the defaults; `axes` and `seeds` make it a study
(`mtl_core.grid`); `expected_s` is the wall time measured on a 2-core CPU (`benchmarks/run.py
--presets` measures it again).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .config import ExperimentConfig, from_flat
from .params import ConfigError


@dataclass(frozen=True)
class Preset:
    id: str
    section: str  # the page that opens it: "playground", ...
    title: Mapping[str, str]  # {"en": ..., "zh": ...}
    description: Mapping[str, str]
    config: Mapping[str, Any]
    axes: Mapping[str, tuple] = field(default_factory=dict)  # empty: a single run
    seeds: tuple[int, ...] = (0,)
    expected_s: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "config", MappingProxyType(dict(self.config)))
        object.__setattr__(self, "axes", MappingProxyType({k: tuple(v) for k, v in self.axes.items()}))

    @property
    def is_study(self) -> bool:
        return bool(self.axes) or len(self.seeds) > 1

    @property
    def n_runs(self) -> int:
        n = len(self.seeds)
        for values in self.axes.values():
            n *= len(values)
        return n

    def experiment(self) -> ExperimentConfig:
        return from_flat(self.config)


TINY_FUNNEL = {"data": "funnel", "data.n_impressions": 300_000, "data.n_users": 2000, "data.n_items": 2000}

PRESETS: dict[str, Preset] = {p.id: p for p in (
    Preset(
        "gates_unrelated", "playground",
        {"en": "MMoE gates on unrelated tasks", "zh": "不相关任务上的 MMoE 门控"},
        {"en": "Two tasks with ρ = 0: each gate is free to pick its own experts. Watch the two rows of the "
               "gate heatmap drift apart.",
         "zh": "两个任务的 ρ = 0：每个门控可以自由挑选自己的专家。观察门控热力图的两行如何逐渐分开。"},
        {"model": "mmoe", "data.rho": 0.0, "train.epochs": 15}, expected_s=12.0),
    Preset(
        "esmm_funnel", "playground",
        {"en": "ESMM on the click → conversion funnel", "zh": "点击 → 转化漏斗上的 ESMM"},
        {"en": "ESMM learns pCVR only through pCTCVR = pCTR × pCVR over all impressions. Three epochs: the ID "
               "embeddings overfit soon after.",
         "zh": "ESMM 只通过全部曝光上的 pCTCVR = pCTR × pCVR 学习 pCVR。训练三轮：再往后 ID 嵌入很快过拟合。"},
        {**TINY_FUNNEL, "model": "esmm", "train.epochs": 3, "train.batch_size": 512}, expected_s=20.0),
    Preset(
        "correlation_sweep_small", "playground",
        {"en": "Small correlation sweep: Shared-Bottom, OMoE, MMoE", "zh": "小型相关性扫描：Shared-Bottom、OMoE、MMoE"},
        {"en": "Three architectures × ρ ∈ {0.5, 0.9, 1} × 5 seeds, each architecture's 15 runs trained as one "
               "batched model. A quick look at how the loss grows as tasks become less related.",
         "zh": "三种结构 × ρ ∈ {0.5, 0.9, 1} × 5 个种子，每种结构的 15 次训练合并为一个批量模型。快速查看任务"
               "相关性降低时损失如何上升。"},
        {"train.epochs": 5}, axes={"model": ("shared_bottom", "omoe", "mmoe"), "data.rho": (0.5, 0.9, 1.0)},
        seeds=tuple(range(5)), expected_s=25.0),
    Preset(
        "static_weights_tradeoff", "playground",
        {"en": "Trade-off of static task weights", "zh": "静态任务权重的权衡"},
        {"en": "Shared-Bottom at ρ = 0.5 trained with task weights from (1, 0.1) to (0.1, 1): every weighting "
               "and seed trains in ONE batched model (per-run weights), tracing the trade-off between the tasks.",
         "zh": "ρ = 0.5 时的 Shared-Bottom，任务权重从 (1, 0.1) 变到 (0.1, 1)：所有权重与种子在同一个批量模型中"
               "训练（每次训练各自的权重），描出两个任务之间的权衡曲线。"},
        {"model": "shared_bottom", "weighting": "static", "train.epochs": 5},
        axes={"weighting.weights": ((1.0, 0.1), (1.0, 0.3), (1.0, 1.0), (0.3, 1.0), (0.1, 1.0))},
        seeds=tuple(range(4)), expected_s=10.0),
)}


def get_preset(preset_id: str, field_name: str = "preset") -> Preset:
    if preset_id not in PRESETS:
        raise ConfigError(field_name, preset_id, "one of " + ", ".join(PRESETS))
    return PRESETS[preset_id]
