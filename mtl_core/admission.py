"""The admission gate: what a training job will cost, estimated before anything is allocated, checked
against caps. One gate for every page of the app and for the CLI.

`estimate(cfg, runs, batch)` reads only the configuration: the data's rows from the dataset's own size
parameters (`DatasetInfo.train_size`, its `spec`), the model's parameter count from a build on PyTorch's
meta device (shapes only, no memory), and the study's shape (runs, runs trained at once). `check(cost,
caps)` returns one English sentence per cap exceeded, naming the setting, its value and the cap;
`violations` gives the same as data, for callers that word it themselves (the app translates).

Caps: `Caps()` holds no limit; the app passes its classroom caps (`app.server.Limits`) or a generous
default for an open server (`OPEN_CAPS`); the CLI uses `CLI_CAPS` (`cli_check`), overridable by the
environment variables MTL_CLI_<FIELD> (e.g. MTL_CLI_MAX_MEMORY_MB=32000).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

EVAL_ROWS = {"n_val": 1, "n_test": 1, "n_eval": 2}  # data params that add rows beside the training split
DATA_SIZE_PARAMS = ("n_train", "n_val", "n_test", "n_eval", "n_impressions", "d", "n_dense")
# float32 copies of each parameter: weights, gradients, Adam's two moments, and the runs' own models that
# are stacked into one at build time (alive together while stacking), with room for the step's temporaries
PARAMETER_COPIES = 6
SNAPSHOTS_KEPT = 400  # a live run keeps at most this many snapshots (app.ui.jobs.MAX_EVENTS)


@dataclass(frozen=True)
class Cost:
    """What a job will use. Per run: data_mb (all splits), sample_passes (training rows x epochs), params;
    of the study: runs, batch (runs trained at once), batch_data_mb, study_sample_passes, memory_mb (data,
    models with optimiser state and kept snapshots of one batch; a batch of several runs also holds the runs'
    own splits while they are stacked into one); longest list parameter: list_len."""

    data_id: str
    train_rows: int
    rows: int
    epochs: int
    snapshots_per_epoch: int
    runs: int
    batch: int
    data_mb: float
    batch_data_mb: float
    params: int | None
    model_mb: float
    snapshot_mb: float
    list_len: int
    list_param: str

    @property
    def sample_passes(self) -> int:
        return self.train_rows * self.epochs

    @property
    def study_sample_passes(self) -> int:
        return self.runs * self.train_rows * self.epochs

    @property
    def memory_mb(self) -> float:
        stacking = self.batch_data_mb if self.batch > 1 else 0.0
        return self.batch_data_mb + stacking + self.model_mb + self.snapshot_mb


@dataclass(frozen=True)
class Caps:
    """Limits a job must stay within; None: no limit. Field names match `app.server.Limits`."""

    max_data_mb: float | None = None
    max_sample_passes: int | None = None
    max_snapshots_per_epoch: int | None = None
    max_params: int | None = None
    max_study_runs: int | None = None
    max_study_data_mb: float | None = None
    max_study_sample_passes: int | None = None
    max_memory_mb: float | None = None
    max_list_len: int | None = None

    @classmethod
    def of(cls, limits: Any) -> "Caps":
        """The caps of any object with some of these fields (`app.server.Limits`)."""
        return cls(**{f.name: getattr(limits, f.name) for f in fields(cls) if hasattr(limits, f.name)})

    def with_env(self, prefix: str, env: Mapping[str, str] | None = None) -> "Caps":
        """These caps with each field overridden by the variable prefix + FIELD (a number, or "none")."""
        env = os.environ if env is None else env
        kw = {}
        for f in fields(self):
            raw = str(env.get(prefix + f.name.upper(), "")).strip().lower()
            if raw in ("none", "off", "0"):
                kw[f.name] = None
            elif raw:
                try:
                    value = float(raw)
                except ValueError:
                    continue
                kw[f.name] = value if f.name.endswith("_mb") else int(value)
        return replace(self, **kw)


# An open server (no classroom mode): generous, but one link cannot take the machine's memory.
OPEN_CAPS = Caps(max_data_mb=2048, max_params=20_000_000, max_study_runs=5000, max_study_data_mb=3072,
                 max_memory_mb=4096, max_list_len=8)
# The CLI: a lecturer's own machine; override with MTL_CLI_<FIELD> (see `cli_caps`).
CLI_CAPS = Caps(max_data_mb=8192, max_params=500_000_000, max_study_runs=100_000, max_study_data_mb=16384,
                max_memory_mb=24576, max_list_len=8)


def cli_caps(env: Mapping[str, str] | None = None) -> Caps:
    return CLI_CAPS.with_env("MTL_CLI_", env)


# ---- the estimate ---------------------------------------------------------------------------------------------
def data_rows(data_id: str, params: Mapping[str, Any]) -> tuple[int, int]:
    """(training rows, rows of all splits) of a dataset with these parameters."""
    from .data import DATASETS

    info = DATASETS[data_id]
    train = int(info.train_size(dict(params)))
    size = params.get(info.size_param)
    if info.size_param != "n_train" and isinstance(size, int):  # one size for all splits (the funnel)
        return train, int(size)
    return train, train + sum(int(params.get(k, 0)) * n for k, n in EVAL_ROWS.items())


def data_mb(data_id: str, params: Mapping[str, Any], runs: int = 1) -> float:
    """Memory of the data of `runs` runs trained at once: float32 dense features, int64 IDs, float32
    labels + masks; plus the epoch's shuffled copy of the training rows that small batches keep."""
    from .data import DATASETS
    from .train import EPOCH_GATHER_BYTES

    spec = DATASETS[data_id].spec(dict(params))
    per_row = 4 * spec.schema.n_dense + 8 * spec.schema.n_categorical + 8 * len(spec.tasks)
    train, rows = data_rows(data_id, params)
    shuffled = runs * train * per_row
    return (runs * rows * per_row + (shuffled if shuffled <= EPOCH_GATHER_BYTES else 0)) / 2**20


def size_settings(data_id: str, section: str = "data") -> str:
    """"data.n_train, data.n_val, ..., data.d": the settings that change a dataset's size."""
    from .data import DATASETS

    return ", ".join(f"{section}.{p.name}" for p in DATASETS[data_id].params if p.name in DATA_SIZE_PARAMS)


def model_params(cfg) -> int | None:
    """Parameters of one run's model, counted from a build on the meta device (no memory); None if it
    cannot be built."""
    import torch

    from .config import is_checked
    from .data import DATASETS
    from .models import build_model, count_parameters

    try:
        spec = DATASETS[cfg.data.id].spec(dict(cfg.data.params))
        with torch.device("meta"):  # a checked config's parameters are not parsed again
            model = build_model(cfg.model.id, spec, dict(cfg.model.params), checked=is_checked(cfg))
            return int(count_parameters(model))
    except Exception:  # noqa: BLE001 - an unbuildable model is refused by validation, not here
        return None


def _longest_list(cfg) -> tuple[int, str]:
    best = (0, "")
    for section in ("data", "model", "weighting"):
        for name, value in dict(getattr(cfg, section).params).items():
            if isinstance(value, (tuple, list)) and len(value) > best[0]:
                best = (len(value), f"{section}.{name}")
    return best


def estimate(cfg, runs: int = 1, batch: int | None = None, params: int | None = None) -> Cost:
    """The cost of `runs` runs of `cfg` (an ExperimentConfig), `batch` of them trained at once (all when
    None). `params`: the model's parameter count when the caller knows it (else counted on the meta device)."""
    runs = max(1, int(runs))
    batch = runs if batch is None else max(1, min(int(batch), runs))
    p = dict(cfg.data.params)
    train, rows = data_rows(cfg.data.id, p)
    n_params = model_params(cfg) if params is None else int(params)
    from .data import DATASETS

    tasks = len(DATASETS[cfg.data.id].spec(p).tasks)
    snaps = min(SNAPSHOTS_KEPT, cfg.train.epochs * cfg.train.snapshots_per_epoch + 1)
    length, name = _longest_list(cfg)
    return Cost(data_id=cfg.data.id, train_rows=train, rows=rows, epochs=int(cfg.train.epochs),
                snapshots_per_epoch=int(cfg.train.snapshots_per_epoch), runs=runs, batch=batch,
                data_mb=data_mb(cfg.data.id, p), batch_data_mb=data_mb(cfg.data.id, p, runs=batch),
                params=n_params, model_mb=batch * (n_params or 0) * 4 * PARAMETER_COPIES / 2**20,
                snapshot_mb=batch * snaps * tasks * 8 * 8 / 2**20, list_len=length, list_param=name)


def estimate_batches(batches, runs: int) -> Cost:
    """The cost of a study that trains `runs` runs as these (config, runs at once) batches, one batch at a
    time: the costliest batch (by memory) with the study's run count. `batches`: pairs, at least one."""
    costs = [estimate(cfg, runs, max(1, min(int(size), int(runs)))) for cfg, size in batches]
    return max(costs, key=lambda c: (c.memory_mb, c.data_mb, c.params or 0))


# ---- the check ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Violation:
    """One cap exceeded: `cap` is the Caps field, `value` the cost, `limit` the cap, `settings` what to change."""

    cap: str
    value: float
    limit: float
    settings: str

    def sentence(self) -> str:
        v, lim = _fmt(self.value), _fmt(self.limit)
        what = {
            "max_data_mb": f"one run's data would take about {v} MB; the cap is {lim} MB",
            "max_sample_passes": f"training samples x epochs = {v}; the cap is {lim}",
            "max_snapshots_per_epoch": f"train.snapshots_per_epoch is {v}; the cap is {lim}",
            "max_params": f"the model has {v} parameters; the cap is {lim}",
            "max_study_runs": f"the job trains {v} runs; the cap is {lim}",
            "max_study_data_mb": f"the runs trained at once would hold about {v} MB of data; the cap is {lim} MB",
            "max_study_sample_passes": f"runs x training samples x epochs = {v}; the cap is {lim}",
            "max_memory_mb": f"the job would need about {v} MB of memory (data, models, snapshots); the cap is "
                             f"{lim} MB",
            "max_list_len": f"a list has {v} values; the cap is {lim}",
        }[self.cap]
        return f"{what} (change {self.settings})"


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x) == int(x) or x >= 100 else f"{x:,.1f}"


def violations(cost: Cost, caps: Caps) -> list[Violation]:
    """Every cap `cost` exceeds, in a fixed order."""
    size = size_settings(cost.data_id)
    out = []

    def over(cap: str, value: float | None, settings: str) -> None:
        limit = getattr(caps, cap)
        if limit is not None and value is not None and value > limit:
            out.append(Violation(cap, value, limit, settings))

    over("max_data_mb", cost.data_mb, size)
    over("max_sample_passes", cost.sample_passes, f"{size} or train.epochs")
    over("max_snapshots_per_epoch", cost.snapshots_per_epoch, "train.snapshots_per_epoch")
    over("max_params", cost.params, "the model's sizes")
    over("max_list_len", cost.list_len, cost.list_param or "a list parameter")
    over("max_study_runs", cost.runs, "the seeds or the values swept")
    over("max_study_data_mb", cost.batch_data_mb, f"{size} or the runs trained at once")
    over("max_study_sample_passes", cost.study_sample_passes, "the runs, the data size or train.epochs")
    over("max_memory_mb", cost.memory_mb, f"{size}, the model's sizes or the runs trained at once")
    return out


def check(cost: Cost, caps: Caps) -> list[str]:
    """One English sentence per cap exceeded (empty when within every cap)."""
    return [v.sentence() for v in violations(cost, caps)]


def cli_check(cfg, runs: int = 1, batch: int | None = None, caps: Caps | None = None) -> list[str]:
    """The CLI's gate: `runs` runs of `cfg` (ExperimentConfig), `batch` at once, against `CLI_CAPS` with
    the environment's overrides (or `caps`)."""
    return check(estimate(cfg, runs, batch), cli_caps() if caps is None else caps)


__all__ = ["Caps", "Cost", "Violation", "CLI_CAPS", "OPEN_CAPS", "estimate", "estimate_batches", "check", "violations", "cli_check",
           "cli_caps", "data_mb", "data_rows", "size_settings", "model_params"]
