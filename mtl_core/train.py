"""The training loop, as a generator of snapshots, for one run or R independent runs at once.

    for snap in train(cfg):               # one run (the Playground)
        plot(snap.val_loss[0])
    for snap in train(cfg, runs=[RunSpec(s) for s in range(50)]):   # 50 seeds as one batched model
        ...

R runs share one architecture; each has its own data draw, initialisation, batch order and weighting
state. Their parameters are stacked on a leading run dimension and evaluated with `torch.func.vmap`
over `functional_call`; one optimiser step updates all runs. Adam is elementwise and the total loss is
a sum over runs, so runs never influence each other (tests check run r equals the same seed alone).
Stopping = stopping iteration. Same config and seed -> same numbers on CPU.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import numpy as np
import torch
from torch.func import functional_call, vmap
from torch.utils._pytree import tree_map

from .config import ExperimentConfig, validate
from .data import DATASETS
from .data.base import Dataset, Split
from .metrics import auc, cosine_matrix, gate_entropy
from .models import build_model
from .models.base import elementwise_loss
from .params import ConfigError
from .weighting import StepContext, build_weighting
from .weighting.base import task_gradients


class DivergenceError(RuntimeError):
    """A task loss became NaN or infinite; the message says which task, when, and what to try."""

    def __init__(self, task: str, step: int, run_seed: int, value: float, lr: float):
        self.task, self.step, self.run_seed, self.value = task, step, run_seed, value
        super().__init__(
            f"Training diverged: the loss of task '{task}' became {value} at step {step} (seed {run_seed}). "
            f"The learning rate {lr:g} is probably too high for this model: try {lr / 10:g}. "
            f"Adaptive weightings with unbounded weights (UW, GradNorm) can also push a run over the edge.")


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: its seed and, optionally, data parameters that differ (e.g. {"rho": 0.9})."""

    seed: int
    data_overrides: dict = field(default_factory=dict)


@dataclass
class Snapshot:
    """The state of training at one moment. Arrays have a leading run axis R (1 for a single run)."""

    step: int
    epoch: float  # fractional epochs done
    total_steps: int
    epochs: int
    epoch_end: bool
    done: bool
    elapsed_s: float
    samples_per_s: float  # training throughput over all runs, evaluation excluded
    lr: float
    device: str
    tasks: tuple[str, ...]
    task_kinds: tuple[str, ...]
    seeds: tuple[int, ...]
    train_loss: np.ndarray  # (R, T) mean since the previous snapshot (NaN at step 0)
    val_loss: np.ndarray  # (R, T) MSE for regression, logloss for binary, over the task's space
    val_auc: np.ndarray  # (R, T) NaN for regression tasks
    weights: np.ndarray  # (R, T) mean task weight applied since the previous snapshot
    gates: dict[str, np.ndarray]  # gate -> (R, E_gate) mean gate weights on the validation set
    gate_entropy: dict[str, np.ndarray]  # gate -> (R,) mean entropy (nats)
    grad_cosine: np.ndarray | None  # (R, T, T) on shared parameters; None when nothing is shared
    weighting_state: dict[str, np.ndarray] = field(default_factory=dict)  # e.g. UW's sigma2 (R, T)
    extra_metrics: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (R,)
    trained_as: dict[str, str] = field(default_factory=dict)  # tasks whose train loss is another quantity
    baseline_val_loss: np.ndarray | None = None  # (R, T) single-task baseline, when trained
    baseline_val_auc: np.ndarray | None = None

    def history_rows(self) -> list[dict]:
        """Long-format rows (one per run x task x split) for history.csv and plotting."""
        rows = []
        for r, seed in enumerate(self.seeds):
            for t, task in enumerate(self.tasks):
                common = dict(step=self.step, epoch=round(self.epoch, 4), run=r, seed=seed, task=task,
                              weight=float(self.weights[r, t]))
                rows.append(dict(common, split="train", loss=float(self.train_loss[r, t]), auc=float("nan")))
                rows.append(dict(common, split="val", loss=float(self.val_loss[r, t]),
                                 auc=float(self.val_auc[r, t])))
                if self.baseline_val_loss is not None:
                    rows.append(dict(common, split="val_single_task", loss=float(self.baseline_val_loss[r, t]),
                                     auc=float(self.baseline_val_auc[r, t])))
        return rows


def resolve_device(name: str) -> torch.device:
    """auto -> CUDA, then Apple MPS, then CPU. Asking for an absent device is an error, not a fallback."""
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "mps" if mps else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("train.device", name, "auto or cpu: CUDA is not available on this machine")
    if name == "mps" and not mps:
        raise ConfigError("train.device", name, "auto or cpu: Apple MPS is not available on this machine")
    return torch.device(name)


def available_devices() -> list[str]:
    out = ["cpu"]
    if torch.cuda.is_available():
        out.append("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        out.append("mps")
    return out


# ---------------------------------------------------------------------------------------------------
@dataclass
class StackedSplit:
    """A split for R runs: every tensor has a leading run axis."""

    dense: torch.Tensor  # (R, N, n_dense)
    cat: torch.Tensor  # (R, N, C)
    y: torch.Tensor  # (R, N, T)
    mask: torch.Tensor  # (R, N, T)
    extra: dict[str, torch.Tensor]  # (R, N)

    @staticmethod
    def of(splits: Sequence[Split], device) -> "StackedSplit":
        def st(xs):
            return torch.stack(list(xs)).to(device)
        keys = set(splits[0].extra)
        return StackedSplit(st(s.dense for s in splits), st(s.cat for s in splits), st(s.y for s in splits),
                            st(s.mask for s in splits), {k: st(s.extra[k] for s in splits) for k in keys})

    def take(self, idx: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Per-run rows idx (R, B) -> dense, cat, y, mask each (R, B, ...)."""
        r = torch.arange(idx.shape[0], device=idx.device)[:, None]
        return self.dense[r, idx], self.cat[r, idx], self.y[r, idx], self.mask[r, idx]

    def __len__(self) -> int:
        return self.y.shape[1]


def build_datasets(cfg: ExperimentConfig, runs: Sequence[RunSpec]) -> list[Dataset]:
    info = DATASETS[cfg.data.id]
    out = []
    for run in runs:
        run_cfg = cfg.with_changes(**{f"data.{k}": v for k, v in run.data_overrides.items()}) \
            if run.data_overrides else cfg  # with_changes validates the overridden values
        out.append(info.build(dict(run_cfg.data.params), run.seed))
    return out


class Member:
    """One architecture trained as R stacked runs: parameters, optimiser, weighting."""

    def __init__(self, cfg: ExperimentConfig, arch: str, arch_params: dict, weighting: str, weighting_params: dict,
                 datasets: list[Dataset], seeds: list[int], device: torch.device):
        spec = datasets[0].spec
        models = []
        for s in seeds:
            torch.manual_seed(s)
            models.append(build_model(arch, spec, arch_params))
        names = [n for n, _ in models[0].named_parameters()]
        self.params = {n: torch.stack([dict(m.named_parameters())[n].detach() for m in models]).to(device)
                       .requires_grad_() for n in names}  # (R, ...) leaves: what the optimiser updates
        self.model = models[0].to(device)  # template for functional_call (buffers, structure) only
        self.model.requires_grad_(False)
        self.shared = self.model.shared_parameter_names()
        self.last_shared = self.model.last_shared_parameter_names()
        self.weighting = build_weighting(weighting, spec.tasks, seeds, weighting_params).to(device)
        tc = cfg.train
        groups = [{"params": list(self.params.values())}]
        if self.weighting.parameters():
            groups.append({"params": self.weighting.parameters(), "weight_decay": 0.0})
        if tc.optimizer == "sgd":
            self.opt = torch.optim.SGD(groups, lr=tc.lr, momentum=0.9, weight_decay=tc.weight_decay)
        elif tc.optimizer == "adamw":
            self.opt = torch.optim.AdamW(groups, lr=tc.lr, weight_decay=tc.weight_decay, foreach=True)
        else:
            self.opt = torch.optim.Adam(groups, lr=tc.lr, weight_decay=tc.weight_decay, foreach=True)
        self.n_runs = len(seeds)
        self._vmapped = vmap(self._run_one)

    # -- forward -------------------------------------------------------------------------------
    def _run_one(self, params, dense, cat, y, mask):
        out = functional_call(self.model, params, (dense, cat))
        return self.model.task_losses(out, y, mask), out

    def forward(self, dense, cat, y, mask, with_raw: bool = False):
        """Losses (R, T) and outputs with a leading run axis; R = 1 skips vmap (faster, same math).
        with_raw also returns the outputs as computed, i.e. the tensors the losses were built from
        (for R = 1 the leading axis is added afterwards, so gradients w.r.t. outputs need these)."""
        if self.n_runs == 1:
            p0 = {n: v[0] for n, v in self.params.items()}
            raw = self._run_one(p0, dense[0], cat[0], y[0], mask[0])
            losses, out = tree_map(lambda t: t.unsqueeze(0), raw)
            return (losses, out, raw[1]) if with_raw else (losses, out)
        losses, out = self._vmapped(self.params, dense, cat, y, mask)
        return (losses, out, out) if with_raw else (losses, out)

    # -- one optimisation step -----------------------------------------------------------------
    def step(self, batch, step: int, epoch: int):
        losses, _, raw = self.forward(*batch, with_raw=True)
        ctx = StepContext(step=step, epoch=epoch, params=self.params, shared=self.shared,
                          last_shared=self.last_shared, outputs=raw)
        detached = losses.detach()
        if not torch.isfinite(detached).all():
            return detached, None
        self.opt.zero_grad(set_to_none=True)
        w = self.weighting.backward(losses, ctx)
        self.opt.step()
        self.weighting.after_step()
        return detached, w

    # -- evaluation ----------------------------------------------------------------------------
    @torch.no_grad()
    def predict(self, split: StackedSplit, chunk: int = 4096):
        """Predictions {task: (R, N)}, gates {gate: (R, N, E)} over a whole split, in chunks."""
        preds, gates = {}, {}
        for i in range(0, len(split), chunk):
            sl = slice(i, i + chunk)
            _, out = self.forward(split.dense[:, sl], split.cat[:, sl], split.y[:, sl], split.mask[:, sl])
            for k, v in out.preds.items():
                preds.setdefault(k, []).append(v)
            for k, v in out.gates.items():
                gates.setdefault(k, []).append(v)
        return ({k: torch.cat(v, 1) for k, v in preds.items()}, {k: torch.cat(v, 1) for k, v in gates.items()})

    def evaluate(self, split: StackedSplit, entire_space: dict[str, str]):
        preds, gates = self.predict(split)
        R, T = self.n_runs, len(self.model.task_names)
        loss, aucs = np.full((R, T), np.nan), np.full((R, T), np.nan)
        for t, (name, kind) in enumerate(zip(self.model.task_names, self.model.task_kinds)):
            el = elementwise_loss(kind, preds[name], split.y[..., t])  # (R, N)
            m = split.mask[..., t]
            loss[:, t] = ((el * m).sum(1) / m.sum(1).clamp_min(1)).cpu().numpy()
            if kind == "binary":
                p, y, mm = preds[name].cpu().numpy(), split.y[..., t].cpu().numpy(), m.cpu().numpy() > 0.5
                aucs[:, t] = [auc(p[r][mm[r]], y[r][mm[r]]) for r in range(R)]
        extra = {}
        for task, key in entire_space.items():  # e.g. CVR AUC over all impressions (counterfactual labels)
            if key in split.extra and task in preds:
                p, y = preds[task].cpu().numpy(), split.extra[key].cpu().numpy()
                extra[f"{task}_auc_all"] = np.array([auc(p[r], y[r]) for r in range(R)])
        gate_means = {g: w.mean(1).cpu().numpy() for g, w in gates.items()}
        entropy = {g: gate_entropy(w).cpu().numpy() for g, w in gates.items()}
        return loss, aucs, gate_means, entropy, extra

    def grad_cosine(self, probe) -> np.ndarray | None:
        if not self.shared:
            return None
        losses, _ = self.forward(*probe)
        g = task_gradients(losses, [self.params[n] for n in self.shared])
        return cosine_matrix(g).detach().cpu().numpy()


# ---------------------------------------------------------------------------------------------------
def train(cfg: ExperimentConfig, runs: Sequence[RunSpec] | None = None,
          snapshot_interval_s: float | None = None) -> Iterator[Snapshot]:
    """Train, yielding a Snapshot at step 0, `snapshots_per_epoch` times per epoch (or every
    `snapshot_interval_s` seconds if smaller) and at the end. Raises DivergenceError on NaN/inf loss."""
    cfg = validate(cfg)
    tc = cfg.train
    runs = list(runs) if runs else [RunSpec(tc.seed)]
    seeds = [r.seed for r in runs]
    device = resolve_device(tc.device)
    datasets = build_datasets(cfg, runs)
    spec = datasets[0].spec
    train_split = StackedSplit.of([d.train for d in datasets], device)
    val_split = StackedSplit.of([d.val for d in datasets], device)
    entire_space = datasets[0].meta.get("entire_space_labels", {})
    probe = val_split.dense[:, :512], val_split.cat[:, :512], val_split.y[:, :512], val_split.mask[:, :512]

    main = Member(cfg, cfg.model.id, dict(cfg.model.params), cfg.weighting.id, dict(cfg.weighting.params),
                  datasets, seeds, device)
    baseline = (Member(cfg, "single_task", {}, "ew", {}, datasets, seeds, device)
                if tc.baseline and cfg.model.id != "single_task" else None)

    R, T, N, B = len(runs), len(spec.tasks), len(train_split), tc.batch_size
    steps_per_epoch = math.ceil(N / B)
    total_steps = steps_per_epoch * tc.epochs
    marks = {round(steps_per_epoch * k / tc.snapshots_per_epoch) for k in range(1, tc.snapshots_per_epoch + 1)}
    order_gens = [torch.Generator().manual_seed(s + 1) for s in seeds]

    t_start = time.perf_counter()
    train_time, samples = 0.0, 0
    acc_loss, acc_w, acc_n = torch.zeros(R, T), torch.zeros(R, T), 0
    epoch_loss, epoch_n = torch.zeros(R, T), 0
    last_snap_t = time.perf_counter()

    def snapshot(step: int, epoch_end: bool, done: bool) -> Snapshot:
        loss, aucs, gates, ent, extra = main.evaluate(val_split, entire_space)
        snap = Snapshot(
            step=step, epoch=step / steps_per_epoch, total_steps=total_steps, epochs=tc.epochs,
            epoch_end=epoch_end, done=done, elapsed_s=time.perf_counter() - t_start,
            samples_per_s=samples / train_time if train_time > 0 else 0.0, lr=tc.lr, device=str(device),
            tasks=spec.task_names, task_kinds=tuple(t.kind for t in spec.tasks), seeds=tuple(seeds),
            train_loss=(acc_loss / acc_n).numpy() if acc_n else np.full((R, T), np.nan),
            val_loss=loss, val_auc=aucs,
            weights=(acc_w / acc_n).numpy() if acc_n else np.ones((R, T)),
            gates=gates, gate_entropy=ent, grad_cosine=main.grad_cosine(probe),
            weighting_state={k: v.detach().cpu().numpy() for k, v in main.weighting.state().items()},
            extra_metrics=extra, trained_as=main.model.trained_as())
        if baseline is not None:
            snap.baseline_val_loss, snap.baseline_val_auc, *_ = baseline.evaluate(val_split, entire_space)
        return snap

    first = snapshot(0, epoch_end=False, done=False)
    if all("label_pearson" in d.meta for d in datasets):  # measured task relatedness, per run
        first.extra_metrics["label_pearson"] = np.array([d.meta["label_pearson"] for d in datasets])
    yield first
    step = 0
    for epoch in range(tc.epochs):
        perm = torch.stack([torch.randperm(N, generator=g) for g in order_gens]).to(device)  # (R, N)
        for i in range(steps_per_epoch):
            t0 = time.perf_counter()
            batch = train_split.take(perm[:, i * B:(i + 1) * B])
            losses, w = main.step(batch, step, epoch)
            if w is None:
                r, t = map(int, (~torch.isfinite(losses)).nonzero()[0])
                raise DivergenceError(spec.task_names[t], step, seeds[r], float(losses[r, t]), tc.lr)
            if baseline is not None:
                baseline.step(batch, step, epoch)
            if device.type == "cuda":
                torch.cuda.synchronize()
            train_time += time.perf_counter() - t0
            samples += batch[0].shape[0] * batch[0].shape[1]
            acc_loss += losses.cpu()
            acc_w += w.cpu()
            acc_n += 1
            epoch_loss += losses.cpu()
            epoch_n += 1
            step += 1
            last = i == steps_per_epoch - 1
            timed = snapshot_interval_s is not None and time.perf_counter() - last_snap_t >= snapshot_interval_s
            if last:
                main.weighting.on_epoch_end(epoch, epoch_loss / epoch_n)
                epoch_loss, epoch_n = torch.zeros(R, T), 0
            if (i + 1) in marks or timed or last:
                done = last and epoch == tc.epochs - 1
                yield snapshot(step, epoch_end=last, done=done)
                acc_loss, acc_w, acc_n = torch.zeros(R, T), torch.zeros(R, T), 0
                last_snap_t = time.perf_counter()


def run_to_end(cfg: ExperimentConfig, runs: Sequence[RunSpec] | None = None) -> tuple[Snapshot, list[Snapshot]]:
    """Consume the generator; return (final snapshot, all snapshots)."""
    snaps = list(train(cfg, runs))
    return snaps[-1], snaps
