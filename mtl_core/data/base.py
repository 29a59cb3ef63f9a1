"""Types every dataset returns: tasks with their sample space, a feature schema, and splits."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

import torch

from ..params import Param

TaskKind = Literal["regression", "binary"]


@dataclass(frozen=True)
class TaskSpec:
    """One prediction task.

    space: "all" when the task's loss averages over every sample, otherwise the name of a binary task
    whose positives form this task's sample space (e.g. CVR lives on clicked impressions: space="ctr").
    """

    name: str
    kind: TaskKind
    space: str = "all"
    description: str = ""


@dataclass(frozen=True)
class FeatureSchema:
    """Dense features plus categorical (ID) fields with their cardinalities."""

    n_dense: int
    categorical: tuple[tuple[str, int], ...] = ()

    @property
    def n_categorical(self) -> int:
        return len(self.categorical)


@dataclass(frozen=True)
class DatasetSpec:
    """What a model needs to know about a dataset before seeing any data."""

    tasks: tuple[TaskSpec, ...]
    schema: FeatureSchema

    @property
    def task_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tasks)


@dataclass
class Split:
    """One split; N samples, T tasks. `mask[:, t]` is 1 where sample is in task t's sample space."""

    dense: torch.Tensor  # (N, n_dense) float32
    cat: torch.Tensor  # (N, n_categorical) int64
    y: torch.Tensor  # (N, T) float32
    mask: torch.Tensor  # (N, T) float32 in {0, 1}
    extra: dict[str, torch.Tensor] = field(default_factory=dict)  # e.g. true probabilities, (N,)

    def __len__(self) -> int:
        return self.y.shape[0]


@dataclass
class Dataset:
    spec: DatasetSpec
    train: Split
    val: Split
    test: Split
    meta: dict = field(default_factory=dict)  # measured statistics, e.g. label_pearson


def space_masks(y: torch.Tensor, tasks: tuple[TaskSpec, ...]) -> torch.Tensor:
    """(N, T) masks from each task's declared sample space."""
    names = [t.name for t in tasks]
    cols = [torch.ones(y.shape[0]) if t.space == "all" else (y[:, names.index(t.space)] > 0.5).float()
            for t in tasks]
    return torch.stack(cols, dim=1)


def make_split(dense, cat, y, tasks, extra=None) -> Split:
    return Split(dense=dense.float(), cat=cat.long(), y=y.float(), mask=space_masks(y, tasks), extra=extra or {})


@dataclass(frozen=True)
class DatasetInfo:
    """Registry entry: how to describe and build a dataset from its parameters, and which of its
    parameters play the roles pages and the CLI ask about (so nothing guesses by name)."""

    id: str
    name: str
    description: str
    params: tuple[Param, ...]
    spec: Callable[[dict], DatasetSpec]  # params -> spec, without generating data
    build: Callable[[dict, int], Dataset]  # (params, seed) -> dataset
    size_param: str  # the parameter that sets how much data there is (CLI --n-samples)
    train_size: Callable[[dict], int]  # params -> number of training samples (progress totals)
    relatedness_param: str | None = None  # the task-relatedness knob swept by studies (`sweep --rhos`)
    primary: tuple[str, ...] = ()  # parameters shown up front; the rest go under "more settings"
    reference: str = ""

    def __post_init__(self):
        names = {p.name for p in self.params}
        assert {self.size_param, *self.primary, *([self.relatedness_param] if self.relatedness_param else [])} <= names

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)
