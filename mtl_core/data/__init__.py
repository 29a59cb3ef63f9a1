"""Datasets. `DATASETS` maps id -> DatasetInfo; the UI, CLI and tests iterate it."""
from .base import Dataset, DatasetInfo, DatasetSpec, FeatureSchema, Split, TaskSpec
from . import census, feed, funnel, synthetic

DATASETS: dict[str, DatasetInfo] = {info.id: info for info in (synthetic.INFO, funnel.INFO, census.INFO, feed.INFO)}

__all__ = ["DATASETS", "Dataset", "DatasetInfo", "DatasetSpec", "FeatureSchema", "Split", "TaskSpec"]
