"""Datasets. `DATASETS` maps id -> DatasetInfo; the UI, CLI and tests iterate it."""
from importlib import import_module

from .base import Dataset, DatasetInfo, DatasetSpec, FeatureSchema, Split, TaskSpec

# The registry: module names, in the order menus and tables list them.
_ORDER = ("synthetic", "funnel", "census", "feed")
DATASETS: dict[str, DatasetInfo] = {m.INFO.id: m.INFO for m in (import_module(f".{n}", __name__) for n in _ORDER)}

__all__ = ["DATASETS", "Dataset", "DatasetInfo", "DatasetSpec", "FeatureSchema", "Split", "TaskSpec"]
