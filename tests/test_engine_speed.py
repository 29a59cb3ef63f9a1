"""The engine's fast paths compute what the plain paths compute (speed must not change the numbers)."""
from __future__ import annotations

import pytest
import torch
from torch.func import functional_call, vmap

from mtl_core.config import default_config
from mtl_core.data import DATASETS
from mtl_core.engine.data import StackedSplit
from mtl_core.engine.fast import stacked_forward, stacked_task_losses
from mtl_core.engine.stacked import StackedRuns
from mtl_core.models.base import SHARED_REP

CASES = [("synthetic", "mmoe", {}), ("synthetic", "omoe", {}), ("synthetic", "shared_bottom", {}),
         ("synthetic", "single_task", {}), ("funnel", "mmoe", {}), ("funnel", "shared_bottom", {}),
         ("synthetic", "mmoe", {"model.expert_units": (12, 6), "model.tower_units": (5, 3)})]


def _runs(data, arch, extra, R):
    size = "data.n_train" if data == "synthetic" else "data.n_impressions"
    cfg = default_config(**{"data": data, size: 2000, "model": arch, **extra})
    dataset = DATASETS[data].build(dict(cfg.data.params), 0)
    configs = [cfg.with_changes(**{"train.seed": s}) for s in range(R)]
    runs = StackedRuns(configs, dataset.spec, torch.device("cpu"))
    split = StackedSplit.of([dataset.train] * R, torch.device("cpu"))
    return runs, split


@pytest.mark.parametrize("layout", ["feature-major", "run-major"])
@pytest.mark.parametrize("data,arch,extra", CASES)
def test_vmap_free_forward_equals_vmap_of_the_module(data, arch, extra, layout, monkeypatch):
    from mtl_core.engine import fast

    # MMoE / OMoE: feature-major up to FEATURE_MAJOR_MAX_RUNS runs, run-major above; both are checked
    monkeypatch.setattr(fast, "FEATURE_MAJOR_MAX_RUNS", 3 if layout == "feature-major" else 2)
    runs, split = _runs(data, arch, extra, R=3)
    assert runs._fast is not None
    batch = split.take(torch.stack([torch.randperm(len(split))[:64] for _ in range(3)]))
    out = stacked_forward(runs.model)(runs.params, batch[0], batch[1])
    losses = stacked_task_losses(runs.model)(out, batch[2], batch[3])

    def one(p, d, c, y, m):
        o = functional_call(runs.model, p, (d, c))
        return runs.model.task_losses(o, y, m), o

    ref_losses, ref = vmap(one)(runs.params, *batch)
    torch.testing.assert_close(losses, ref_losses, rtol=1e-5, atol=1e-6)
    for k in ref.preds:
        torch.testing.assert_close(out.preds[k], ref.preds[k], rtol=1e-5, atol=1e-6)
    for k in ref.gates:
        torch.testing.assert_close(out.gates[k], ref.gates[k], rtol=1e-5, atol=1e-6)
    if SHARED_REP in ref.extras:
        torch.testing.assert_close(out.extras[SHARED_REP], ref.extras[SHARED_REP], rtol=1e-5, atol=1e-6)
    # and the gradients agree
    g = torch.autograd.grad(losses.sum(), list(runs.params.values()), allow_unused=True)
    g_ref = torch.autograd.grad(ref_losses.sum(), list(runs.params.values()), allow_unused=True)
    for a, b in zip(g, g_ref):
        if b is not None:
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)



FUSED_CASES = [c for c in CASES if c[1] in ("mmoe", "omoe")] + [("synthetic", "mmoe", {"model.n_experts": 3}),
                                                                ("synthetic", "omoe", {"model.tower_units": (6, 4)})]


@pytest.mark.parametrize("R", [1, 3])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("data,arch,extra", FUSED_CASES)
def test_fused_training_body_equals_autograd_through_the_layers(data, arch, extra, masked, R):
    """The one-node MMoE / OMoE training body and task losses (hand-written backwards) against autograd
    through fast.py's layers: the losses, and every parameter's gradient (embedding tables included) under a
    random weighting of the task losses, as UW or DWA would weigh them. Synthetic tasks are regressions,
    the funnel's binary."""
    from mtl_core.engine.fused import fused_training_step

    runs, split = _runs(data, arch, extra, R=R)
    if masked:  # a gate that may not pick expert 1 (CGC-style masks; MMoE itself allows every expert)
        runs.model.gates.logit_mask[0, 1] = float("-inf")
    fused, plain = fused_training_step(runs.model), stacked_forward(runs.model)
    assert fused is not None
    batch = split.take(torch.stack([torch.randperm(len(split))[:64] for _ in range(R)]))
    params = list(runs.params.values())
    w = torch.rand(R, len(runs.model.task_names)) + 0.5
    losses, _ = fused(runs.params, *batch)
    ref = stacked_task_losses(runs.model)(plain(runs.params, batch[0], batch[1]), batch[2], batch[3])
    torch.testing.assert_close(losses, ref, rtol=1e-6, atol=1e-7)
    g = torch.autograd.grad((w * losses).sum(), params, allow_unused=True)
    g_ref = torch.autograd.grad((w * ref).sum(), params, allow_unused=True)
    for name, a, b in zip(runs.params, g, g_ref):
        assert (a is None) == (b is None), name
        if b is not None:
            assert b.abs().sum() > 0, name  # the check would be empty
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7, msg=name)
    if masked:  # the masked expert's gate logit gets no gradient
        assert float(g[list(runs.params).index("gates.weight")][:, 0, :, 1].abs().sum()) == 0


def test_fused_binary_losses_pass_no_gradient_where_the_probability_is_clamped():
    """models.base.bce clamps sigmoid(raw) to [EPS, 1 - EPS]: beyond it autograd passes no gradient, and
    neither may the fused losses (a confident, wrong prediction would otherwise get a gradient of ~1)."""
    from mtl_core.engine.torch_fast import TaskLosses as _TaskLosses
    from mtl_core.models.base import bce

    raw = torch.tensor([[[-30.0, 0.3, 40.0]]], requires_grad=True)  # (R=1, T=1, B=3)
    y, mask = torch.tensor([[[1.0], [0.0], [0.0]]]), torch.ones(1, 3, 1)
    (g,) = torch.autograd.grad(_TaskLosses.apply(raw, y, mask, True).sum(), raw)
    ref = bce(torch.sigmoid(raw), y[..., 0][:, None]).mean()
    (g_ref,) = torch.autograd.grad(ref, raw)
    torch.testing.assert_close(g, g_ref, rtol=1e-5, atol=1e-8)
    assert g[0, 0, 0] == 0 and g[0, 0, 2] == 0 and g[0, 0, 1] != 0


def test_the_fused_body_serves_loss_based_training_steps_only():
    for wid in ("ew", "uw", "dwa", "famo"):
        runs, _ = _runs("synthetic", "mmoe", {"weighting": wid}, R=2)
        assert runs._fused is not None, wid
    for wid in ("mgda", "pcgrad", "gradnorm"):  # per-task gradients: autograd's graph
        runs, _ = _runs("synthetic", "mmoe", {"weighting": wid}, R=2)
        assert runs.weighting.needs_gradients and runs._fused is None, wid
    runs, split = _runs("synthetic", "mmoe", {}, R=2)
    assert _runs("synthetic", "shared_bottom", {}, R=2)[0]._fused is None
    cfg = default_config(**{"data.n_train": 2000, "model": "mmoe"})
    spec = DATASETS["synthetic"].build(dict(cfg.data.params), 0).spec
    assert StackedRuns([cfg], spec, torch.device("cpu"))._fused is not None
    assert StackedRuns([cfg], spec, torch.device("cpu"), record_conflict=True)._fused is None  # per-task gradients
    batch = split.rows(slice(0, 32))
    with torch.no_grad():  # evaluation keeps the gates and the shared representation
        _, _, out, _ = runs.forward(*batch, train=True)
    assert out.gates and SHARED_REP in out.extras
    losses, _, out, _ = runs.forward(*batch, train=True)  # a training step: the losses only
    assert losses.shape == (2, 2) and not out.gates and not out.preds and SHARED_REP not in out.extras

def test_models_with_their_own_math_keep_the_vmap_path():
    runs, _ = _runs("funnel", "esmm", {}, R=2)
    assert runs._fast is None
    runs, _ = _runs("synthetic", "ple", {}, R=2)
    assert runs._fast is None


def test_take_gathers_each_runs_own_rows():
    split = StackedSplit.of([DATASETS["funnel"].build({**{p.name: p.default for p in DATASETS["funnel"].params},
                                                      "n_impressions": 2000}, s).train for s in range(3)],
                            torch.device("cpu"))
    idx = torch.stack([torch.randperm(len(split))[:50] for _ in range(3)])
    got = split.take(idx)
    for t, full in zip(got, (split.dense, split.cat, split.y, split.mask)):
        for r in range(3):
            torch.testing.assert_close(t[r], full[r][idx[r]], rtol=0, atol=0)


def test_only_long_cpu_studies_compile(monkeypatch):
    from mtl_core.train import compile_for
    monkeypatch.delenv("MTL_COMPILE", raising=False)
    cpu = torch.device("cpu")
    study = default_config(**{"data.n_train": 10_000, "train.batch_size": 256, "train.epochs": 20})
    assert compile_for(study, 200, cpu)  # the MMoE paper's protocol: 200 seeds x 800 steps
    assert not compile_for(study, 1, cpu)  # a live run never waits for a compiler
    assert not compile_for(study.with_changes(**{"train.epochs": 1}), 50, cpu)  # a short study
    monkeypatch.setenv("MTL_COMPILE", "0")
    assert not compile_for(study, 200, cpu)


def test_allocator_tuning_stays_out_of_the_streamlit_server(monkeypatch):
    import sys

    import mtl_core.train as tr
    monkeypatch.setattr(tr, "_ALLOCATOR_TUNED", False)
    monkeypatch.setitem(sys.modules, "streamlit", sys.modules.get("streamlit") or object())
    assert tr.tune_allocator() is False
    monkeypatch.setenv("MTL_MALLOC_TUNE", "0")
    monkeypatch.delitem(sys.modules, "streamlit")
    assert tr.tune_allocator() is False


def test_evaluation_chunks_do_not_change_predictions():
    runs, split = _runs("synthetic", "mmoe", {}, R=3)  # 2,000 rows: one chunk by default, 32 in chunks of 64
    whole, gates, _ = runs.predict(split, chunk=len(split))
    chunked, chunked_gates, _ = runs.predict(split, chunk=64)
    default, _, _ = runs.predict(split)
    for task, p in whole.items():
        assert p.shape == (3, len(split))
        torch.testing.assert_close(chunked[task], p, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(default[task], p, rtol=1e-5, atol=1e-6)
    for gate, w in gates.items():
        torch.testing.assert_close(chunked_gates[gate], w, rtol=1e-5, atol=1e-6)


def test_studies_skip_the_cosine_probe_and_train_the_same():
    from mtl_core.train import Trainer
    from mtl_core.engine.runs import RunSpec

    cfg = default_config(**{"data.n_train": 400, "data.n_val": 100, "data.n_test": 100, "train.epochs": 2,
                            "model": "mmoe"})
    runs = [RunSpec(0), RunSpec(1)]
    probed, plain = list(Trainer(cfg, runs)), list(Trainer(cfg, runs, probe_cosine=False))
    assert all(s.grad_cosine is not None and s.grad_cosine.shape == (2, 2, 2) for s in probed)
    assert all(s.grad_cosine is None for s in plain)
    assert [s.step for s in probed] == [s.step for s in plain]
    for a, b in zip(probed, plain):
        assert (a.val_loss == b.val_loss).all()
    assert (probed[-1].test_loss == plain[-1].test_loss).all()


def test_the_compiled_mix_serves_training_batches_whatever_shape_comes_first(monkeypatch):
    """A snapshot's 512-row probe reaches the mix before the first 256-row training batch: only the
    batch shape is compiled, and later batches use it."""
    from mtl_core.engine import fast

    compiled_calls = []

    def fake_compile(fn, dynamic=False):
        def compiled(w, x):
            compiled_calls.append(tuple(x.shape))
            return fn(w, x)
        return compiled

    monkeypatch.setattr(torch, "compile", fake_compile)
    mix = fast.CompiledMix(rows=256)

    def call(rows, grad=True):
        w, x = torch.rand(3, rows, 2, 8), torch.rand(3, rows, 8, 16)
        with torch.set_grad_enabled(grad):
            out = mix(w, x)
        torch.testing.assert_close(torch.stack(out, 2), torch.einsum("rbge,rbeh->rbgh", w, x))

    call(512)  # the probe: eager, nothing compiled
    assert mix.fn is None and compiled_calls == []
    call(256)
    call(256)
    call(100)  # an epoch's last, shorter batch: eager
    call(256, grad=False)  # evaluation: eager
    assert compiled_calls == [(3, 256, 8, 16)] * 2 and mix.shape == (3, 256, 8, 16)
