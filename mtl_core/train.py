"""The training loop, as a generator of snapshots, for one run or R independent runs at once.

    for snap in train(cfg):               # one run (the Playground)
        plot(snap.val_loss[0])
    for snap in train(cfg, runs=[RunSpec(s) for s in range(50)]):   # 50 seeds as one batched model
        ...
    trainer = Trainer(cfg, runs)          # the same, keeping the trained runs for predictions
    final = list(trainer)[-1]
    preds = trainer.predict("test")

R runs share one architecture; each has its own data draw, initialisation, batch order and weighting
state, and may differ in any per-run setting (`RunSpec.overrides`: data knobs, weighting
hyper-parameters, learning rate). A run whose loss becomes NaN/inf is marked diverged and stops
counting while the others go on; when every run has diverged, `DivergenceError` says which task, when,
and what to try. Stopping = stopping iteration. Same config and seed -> same numbers on CPU.
`record_conflict=True` also records the gradient cosine before and after the weighting's combination at
every step (`Snapshot.conflict`; run totals in `extra_metrics`, see `CONFLICT_METRICS`); its cost is left
out of the throughput. `probe_cosine=False` skips the per-snapshot gradient cosine on a validation probe
(`Snapshot.grad_cosine`, the Playground's conflict chart; None then): studies never show it, and at R = 200
it cost a third as much as the snapshot's evaluation.
Gated models also get an expert-health report per run (`Snapshot.expert_health`: dead units, gate use,
entropy, duplicate experts; when it is measured: `engine/health.py`), and its run totals at the end.
The pieces (stacked data and runs, optimiser, evaluation, snapshot) live in `mtl_core/engine/`.
"""
from __future__ import annotations

import math
import os
import sys
import time
from typing import Iterator, Sequence

import numpy as np
import torch

from .config import ExperimentConfig, validate
from .data import DATASETS
from .engine.data import StackedSplit
from .engine.evaluate import Evaluation, evaluate
from .engine.health import HEALTH_INTERVAL_S, HEALTH_LIVE_RUNS, has_experts, health_of_runs, health_totals
from .engine.malloc import set_thresholds
from .engine.runs import RunSpec, run_configs
from .engine.snapshot import CONFLICT_METRICS, DIVERGED, OK, Snapshot
from .engine.stacked import StackedRuns, cpu_time
from .params import ConfigError
from .slices import checkpoint


class DivergenceError(RuntimeError):
    """A task loss became NaN or infinite; the message says which task, when, and what to try."""

    def __init__(self, task: str, step: int, run_seed: int, value: float, lr: float):
        self.task, self.step, self.run_seed, self.value = task, step, run_seed, value
        super().__init__(
            f"Training diverged: the loss of task '{task}' became {value} at step {step} (seed {run_seed}). "
            f"The learning rate {lr:g} is probably too high for this model: try {lr / 10:g}. "
            f"Adaptive weightings with unbounded weights (UW, GradNorm) can also push a run over the edge.")


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


COMPILE_MIN_RUNS, COMPILE_MIN_RUN_STEPS = 32, 100_000
EPOCH_GATHER_BYTES = 32 << 20  # at most this much of shuffled training rows per epoch (see Trainer._loop)


def compile_for(cfg: ExperimentConfig, n_runs: int, device: torch.device) -> bool:
    """Whether a batch is a long study worth compiling the hot part of (the MMoE expert mix, whose compile
    costs seconds once per process): at least COMPILE_MIN_RUNS runs and COMPILE_MIN_RUN_STEPS run-steps (R x steps, e.g. 200 seeds
    x 800 steps), on a CPU; never for a live run. MTL_COMPILE=0 / 1 forces it off / on."""
    forced = os.environ.get("MTL_COMPILE")
    if forced in ("0", "1"):
        return forced == "1"
    n = DATASETS[cfg.data.id].train_size(dict(cfg.data.params))
    steps = math.ceil(n / cfg.train.batch_size) * cfg.train.epochs
    return device.type == "cpu" and n_runs >= COMPILE_MIN_RUNS and n_runs * steps >= COMPILE_MIN_RUN_STEPS


_ALLOCATOR_TUNED = False


def tune_allocator() -> bool:
    """For long batched studies on Linux/glibc: serve large tensors from the heap instead of fresh mmaps.

    A batched step allocates and frees (R, B, E, H) temporaries of tens of MB; glibc returns each one to the
    OS (munmap) and the next step page-faults it back in, zero-filled, so a long study spends much of its
    time in the kernel; raising the mmap and trim thresholds (mallopt) keeps those pages in the heap.
    Process-wide and kept for the process's life, so it is applied only outside the Streamlit server (which
    sets milder thresholds of its own, `app.memory.steady_allocator`, and whose janitor returns memory to the
    OS) and never with MTL_MALLOC_TUNE=0. Returns whether it is in effect."""
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED:
        return True
    if os.environ.get("MTL_MALLOC_TUNE") == "0" or "streamlit" in sys.modules or not sys.platform.startswith("linux"):
        return False
    _ALLOCATOR_TUNED = set_thresholds(1 << 30, (1 << 31) - 1)  # False where there is no glibc
    return _ALLOCATOR_TUNED


class Trainer:
    """R stacked runs of one configuration: iterate it for snapshots, then ask for predictions."""

    def __init__(self, cfg: ExperimentConfig, runs: Sequence[RunSpec] | None = None,
                 snapshot_interval_s: float | None = None, record_conflict: bool = False,
                 probe_cosine: bool = True):
        cfg = validate(cfg)
        self.cfg, self.snapshot_interval_s, self.probe_cosine = cfg, snapshot_interval_s, probe_cosine
        self.configs = run_configs(cfg, list(runs) if runs else [RunSpec(cfg.train.seed)])
        self.seeds = [c.train.seed for c in self.configs]
        self.device = resolve_device(cfg.train.device)
        info = DATASETS[cfg.data.id]
        self.datasets = []
        for c in self.configs:
            checkpoint()  # a time slice may end between datasets (and inside a generator's chunks)
            self.datasets.append(info.build(dict(c.data.params), c.train.seed))
        self.spec = self.datasets[0].spec
        self.splits = {name: StackedSplit.of([getattr(d, name) for d in self.datasets], self.device)
                       for name in ("train", "val", "test")}
        if len(self.datasets) > 1:  # the stacked copy is what trains: the runs' own splits go (their meta stays)
            for d in self.datasets:
                d.train = d.val = d.test = None
        self.entire_space = self.datasets[0].meta.get("entire_space_labels", {})
        long_study = compile_for(cfg, len(self.configs), self.device)
        if long_study:
            tune_allocator()
        self.main = StackedRuns(self.configs, self.spec, self.device, record_conflict=record_conflict,
                                compile_mix=long_study)
        self.baseline = (StackedRuns(self.configs, self.spec, self.device, arch="single_task", arch_params={},
                                     weighting="ew")
                         if cfg.train.baseline and cfg.model.id != "single_task" else None)
        pearson = [d.meta.get("label_pearson") for d in self.datasets]
        self.label_pearson = np.array(pearson, dtype=float) if None not in pearson else None
        self._started = False

    # -- predictions ---------------------------------------------------------------------------
    def predict(self, split: str = "test") -> dict:
        """Per-sample predictions of every run on a split (numpy, leading run axis R):
        preds {task: (R, N)}, extras {name: (R, N)} (e.g. ESMM's ctcvr), labels (R, N, T), mask (R, N, T),
        truth {name: (R, N)} (what the dataset knows, e.g. the funnel's true_pctr / true_pcvr)."""
        data = self.splits[split]
        preds, _, extras = self.main.predict(data)
        def np_(d):
            return {k: v.cpu().numpy() for k, v in d.items()}
        return {"preds": np_(preds), "extras": np_(extras), "labels": data.y.cpu().numpy(),
                "mask": data.mask.cpu().numpy(), "truth": np_(data.extra)}

    # -- the loop ------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Snapshot]:
        if self._started:
            raise RuntimeError("a Trainer trains once; make a new one to train again")
        self._started = True
        return self._loop()

    def _evaluate(self, runs: StackedRuns, split: str) -> Evaluation:
        preds, gates, _ = runs.predict(self.splits[split])
        return evaluate(preds, gates, self.splits[split], self.spec.task_names,
                        tuple(t.kind for t in self.spec.tasks), self.entire_space)

    def _loop(self) -> Iterator[Snapshot]:
        tc, spec, device = self.cfg.train, self.spec, self.device
        main, baseline, train_split = self.main, self.baseline, self.splits["train"]
        R, T, N, B = len(self.seeds), len(spec.tasks), len(train_split), tc.batch_size
        steps_per_epoch = math.ceil(N / B)
        total_steps = steps_per_epoch * tc.epochs
        marks = {round(steps_per_epoch * k / tc.snapshots_per_epoch) for k in range(1, tc.snapshots_per_epoch + 1)}
        order_gens = [torch.Generator().manual_seed(s + 1) for s in self.seeds]
        probe = self.splits["val"].rows(slice(0, 512))
        alive = torch.ones(R, dtype=torch.bool, device=device)
        all_alive = True
        # Small studies gather each epoch's shuffled rows at once and slice batches from them: the same rows
        # as one gather per step, without four index_selects per step (a visible share of a lone run's step)
        row_bytes = sum(t[0, :1].numel() * t.element_size() for t in (train_split.dense, train_split.cat,
                                                                     train_split.y, train_split.mask))
        epoch_gather = R * N * row_bytes <= EPOCH_GATHER_BYTES
        diverged_step = np.full(R, -1)
        baseline_alive = alive.clone()

        t_start = time.perf_counter()
        train_time, train_cpu, samples = 0.0, 0.0, 0
        acc_loss, acc_w, acc_n = torch.zeros(R, T), torch.zeros(R, T), 0
        epoch_loss, epoch_n = torch.zeros(R, T), 0
        last_snap_t = time.perf_counter()
        gated = has_experts(main.model)
        last_health_t = -math.inf
        conflict_sum = np.zeros((4, R))  # running sums of cos_before, cos_before < 0, cos_after, cos_after < 0
        conflict_n = 0

        def snapshot(step: int, epoch_end: bool, done: bool) -> Snapshot:
            nonlocal conflict_n, last_health_t
            ev = self._evaluate(main, "val")
            extra = dict(ev.extra)
            conflict = main.pop_conflict()
            if conflict:
                b, a = conflict["cos_before"], conflict["cos_after"]
                conflict_sum[:] += np.stack([b.sum(1), (b < 0).sum(1), a.sum(1), (a < 0).sum(1)])
                conflict_n += b.shape[1]
            if conflict_n:
                extra.update(zip(CONFLICT_METRICS, conflict_sum / conflict_n))
            if self.label_pearson is not None:  # measured task relatedness, per run
                extra["label_pearson"] = self.label_pearson
            health = None
            if gated and (done or (R <= HEALTH_LIVE_RUNS
                                   and time.perf_counter() - last_health_t >= HEALTH_INTERVAL_S)):
                health = health_of_runs(main.model, main.params, self.splits["val"], alive.cpu().numpy())
                last_health_t = time.perf_counter()
                if done:
                    extra.update(health_totals(health))
            snap = Snapshot(
                step=step, epoch=step / steps_per_epoch, total_steps=total_steps, epochs=tc.epochs,
                epoch_end=epoch_end, done=done, elapsed_s=time.perf_counter() - t_start,
                samples_per_s=samples / train_time if train_time > 0 else 0.0, lr=tc.lr, device=str(device),
                tasks=spec.task_names, task_kinds=tuple(t.kind for t in spec.tasks), seeds=tuple(self.seeds),
                train_loss=(acc_loss / acc_n).numpy() if acc_n else np.full((R, T), np.nan),
                val_loss=ev.loss, val_auc=ev.auc,
                weights=(acc_w / acc_n).numpy() if acc_n else np.ones((R, T)),
                gates=ev.gates, gate_entropy=ev.entropy,
                grad_cosine=main.grad_cosine(probe) if self.probe_cosine else None,
                status=np.where(alive.cpu().numpy(), OK, DIVERGED), diverged_step=diverged_step.copy(),
                collapsed=ev.collapsed & alive.cpu().numpy()[:, None],  # a diverged run is not "collapsed"
                weighting_state={k: v.detach().cpu().numpy() for k, v in main.weighting.state().items()},
                extra_metrics=extra, trained_as=main.model.trained_as(), conflict=conflict, train_cpu_s=train_cpu,
                expert_health=health)
            if done:
                test = self._evaluate(main, "test")
                snap.test_loss, snap.test_auc = test.loss, test.auc
            if baseline is not None:
                b = self._evaluate(baseline, "val")
                snap.baseline_val_loss, snap.baseline_val_auc = b.loss, b.auc
                if done:
                    bt = self._evaluate(baseline, "test")
                    snap.baseline_test_loss, snap.baseline_test_auc = bt.loss, bt.auc
            return snap

        yield snapshot(0, epoch_end=False, done=False)
        step = 0
        for epoch in range(tc.epochs):
            perm = torch.stack([torch.randperm(N, generator=g) for g in order_gens]).to(device)  # (R, N)
            shuffled = train_split.take(perm) if epoch_gather else None  # the epoch's rows, in batch order
            for i in range(steps_per_epoch):
                checkpoint()  # the caller's time slice (`mtl_core.slices`): pause here, or stop
                t0, c0, recorded, recorded_cpu = time.perf_counter(), cpu_time(), main.record_s, main.record_cpu_s
                rows = slice(i * B, (i + 1) * B)
                batch = tuple(t[:, rows] for t in shuffled) if epoch_gather else train_split.take(perm[:, rows])
                losses, w = main.step(batch, step, epoch, None if all_alive else alive)
                # one reduction and one read per step; the per-run check only when something is not finite
                # (a dead run's losses are zeros, so they never trip it)
                if not math.isfinite(float(losses.sum())):
                    finite = torch.isfinite(losses).all(1)  # (R,)
                    if not bool((finite | ~alive).all()):
                        self._mark_diverged(alive, finite, losses, step, diverged_step)
                        alive &= finite
                        all_alive = False
                if baseline is not None:
                    b_losses, _ = baseline.step(batch, step, epoch, baseline_alive)
                    baseline_alive &= torch.isfinite(b_losses).all(1)
                if device.type == "cuda":
                    torch.cuda.synchronize()
                train_time += time.perf_counter() - t0 - (main.record_s - recorded)
                train_cpu += cpu_time() - c0 - (main.record_cpu_s - recorded_cpu)
                samples += batch[0].shape[0] * batch[0].shape[1]
                losses, w = losses.cpu(), w.cpu()
                acc_loss += losses
                acc_w += w
                acc_n += 1
                epoch_loss += losses
                epoch_n += 1
                step += 1
                last = i == steps_per_epoch - 1
                timed = (self.snapshot_interval_s is not None
                         and time.perf_counter() - last_snap_t >= self.snapshot_interval_s)
                if last:
                    main.weighting.on_epoch_end(epoch, epoch_loss / epoch_n)
                    epoch_loss, epoch_n = torch.zeros(R, T), 0
                if (i + 1) in marks or timed or last:
                    done = last and epoch == tc.epochs - 1
                    yield snapshot(step, epoch_end=last, done=done)
                    acc_loss, acc_w, acc_n = torch.zeros(R, T), torch.zeros(R, T), 0
                    last_snap_t = time.perf_counter()

    def _mark_diverged(self, alive: torch.Tensor, finite: torch.Tensor, losses: torch.Tensor, step: int,
                       diverged_step: np.ndarray) -> None:
        """Record runs whose loss just became NaN/inf; raise DivergenceError when no run is left."""
        newly = (alive & ~finite).nonzero()[:, 0].tolist()
        diverged_step[newly] = step
        if not bool((alive & finite).any()):
            r = newly[0]
            t = int((~torch.isfinite(losses[r])).nonzero()[0])
            raise DivergenceError(self.spec.task_names[t], step, self.seeds[r], float(losses[r, t]),
                                  self.configs[r].train.lr)


def train(cfg: ExperimentConfig, runs: Sequence[RunSpec] | None = None,
          snapshot_interval_s: float | None = None, record_conflict: bool = False) -> Iterator[Snapshot]:
    """Train, yielding a Snapshot at step 0, `snapshots_per_epoch` times per epoch (or every
    `snapshot_interval_s` seconds if smaller) and at the end (which also evaluates the test split).
    Nothing is built before the first `next()`."""
    yield from Trainer(cfg, runs, snapshot_interval_s, record_conflict)


__all__ = ["train", "Trainer", "RunSpec", "Snapshot", "DivergenceError", "resolve_device", "available_devices",
           "CONFLICT_METRICS"]
