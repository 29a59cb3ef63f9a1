"""The training engine: determinism, batched-run independence, snapshots, divergence."""
import math

import numpy as np
import pytest
import torch

from mtl_core.config import default_config
from mtl_core.data import DATASETS
from mtl_core.records import history_rows
from mtl_core.train import DivergenceError, RunSpec, Snapshot, resolve_device, train
from mtl_core.weighting import WEIGHTINGS

SMALL = {"data.n_train": 600, "data.n_val": 200, "data.n_test": 200, "train.epochs": 2, "train.batch_size": 64}


def final(cfg, runs=None) -> Snapshot:
    return list(train(cfg, runs))[-1]


def test_same_config_and_seed_give_identical_numbers():
    cfg = default_config(**SMALL)
    a, b = final(cfg), final(cfg)
    assert np.array_equal(a.val_loss, b.val_loss)
    assert all(np.array_equal(a.gates[g], b.gates[g]) for g in a.gates)
    c = final(cfg.with_changes(**{"train.seed": 1}))
    assert not np.array_equal(a.val_loss, c.val_loss)


@pytest.mark.parametrize("arch", ["mmoe", "shared_bottom"])
def test_batched_run_r_equals_the_same_seed_trained_alone(arch):
    cfg = default_config(**SMALL, model=arch)
    runs = [RunSpec(s) for s in (3, 7, 11)]
    batched = final(cfg, runs)
    for r, run in enumerate(runs):
        alone = final(cfg.with_changes(**{"train.seed": run.seed}))
        np.testing.assert_allclose(batched.val_loss[r], alone.val_loss[0], rtol=1e-4, atol=1e-5)
        for g in alone.gates:
            np.testing.assert_allclose(batched.gates[g][r], alone.gates[g][0], rtol=1e-4, atol=1e-5)


def test_runs_may_differ_in_data_parameters():
    cfg = default_config(**SMALL)
    snap = list(train(cfg, [RunSpec(0, {"data.rho": 1.0}), RunSpec(0, {"data.rho": 0.0})]))[0]
    pearson = snap.extra_metrics["label_pearson"]
    assert pearson[0] > 0.9 and abs(pearson[1]) < 0.2


def test_snapshot_contents_and_schedule():
    cfg = default_config(**SMALL, **{"train.snapshots_per_epoch": 2, "train.baseline": True})
    snaps = list(train(cfg))
    steps_per_epoch = math.ceil(600 / 64)
    assert snaps[0].step == 0 and np.isnan(snaps[0].train_loss).all()
    assert snaps[-1].done and snaps[-1].step == 2 * steps_per_epoch == snaps[-1].total_steps
    assert [s.epoch_end for s in snaps].count(True) == 2
    assert all(s.val_loss.shape == (1, 2) for s in snaps)
    last = snaps[-1]
    assert set(last.gates) == {"task1", "task2"}
    for g in last.gates.values():
        assert g.shape == (1, 8) and abs(g.sum() - 1) < 1e-5
    assert last.grad_cosine.shape == (1, 2, 2)
    np.testing.assert_allclose(np.diagonal(last.grad_cosine[0]), 1.0, atol=1e-5)
    assert np.all(np.abs(last.grad_cosine) <= 1 + 1e-5)
    np.testing.assert_array_equal(last.weights, np.ones((1, 2)))
    assert last.baseline_val_loss.shape == (1, 2)
    assert last.samples_per_s > 0 and last.device == "cpu"
    assert np.all(last.val_loss[0] < snaps[0].val_loss[0])  # it learned something on every task
    rows = history_rows(last)
    assert {r["split"] for r in rows} == {"train", "val", "val_single_task", "test", "test_single_task"}
    assert {r["split"] for r in history_rows(snaps[1])} == {"train", "val", "val_single_task"}  # test: final only


def test_gate_free_model_has_no_gates_and_single_task_no_cosine():
    snap = final(default_config(**SMALL, model="single_task"))
    assert snap.gates == {} and snap.grad_cosine is None


def test_divergence_stops_with_a_specific_message():
    cfg = default_config(**SMALL, **{"train.lr": 100.0, "train.optimizer": "sgd", "data.c": 10.0})
    with pytest.raises(DivergenceError) as err:
        for _ in train(cfg):
            pass
    msg = str(err.value)
    assert err.value.task in ("task1", "task2") and err.value.step >= 0
    assert "learning rate" in msg and "try" in msg and err.value.task in msg


def test_device_resolution():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="train.device"):
            resolve_device("cuda")


@pytest.mark.parametrize("wid", list(WEIGHTINGS))
def test_masking_ignores_out_of_space_samples_for_every_strategy(wid):
    """CVR lives on clicked impressions: its labels elsewhere must not move any parameter."""
    from mtl_core.engine.data import StackedSplit
    from mtl_core.engine.stacked import StackedRuns

    cfg = default_config(**{"data": "funnel", "data.n_impressions": 3000, "model": "mmoe", "weighting": wid})
    dataset = DATASETS["funnel"].build(dict(cfg.data.params), 0)
    split = StackedSplit.of([dataset.train], torch.device("cpu"))
    batch = split.take(torch.arange(512)[None])
    dense, cat, y, mask = batch
    assert 0 < mask[..., 1].sum() < 512  # some samples are outside the CVR space
    poisoned = y.clone()
    poisoned[..., 1] = torch.where(mask[..., 1] > 0, y[..., 1], 1.0 - y[..., 1])  # flip out-of-space labels
    after = []
    for labels in (y, poisoned):
        m = StackedRuns([cfg], dataset.spec, torch.device("cpu"))
        m.step((dense, cat, labels, mask), step=0, epoch=0, alive=torch.ones(1, dtype=torch.bool))
        after.append({n: p.detach().clone() for n, p in m.params.items()})
    for n in after[0]:
        torch.testing.assert_close(after[0][n], after[1][n], rtol=0, atol=0, msg=n)


def test_runs_may_differ_in_learning_rate_and_each_equals_its_run_alone():
    cfg = default_config(**SMALL)
    runs = [RunSpec(3, {"train.lr": 0.003}), RunSpec(3, {"train.lr": 0.0003, "data.rho": 0.9})]
    batched = final(cfg, runs)
    for r, run in enumerate(runs):
        alone = final(cfg.with_changes(**run.overrides, **{"train.seed": 3}))
        np.testing.assert_allclose(batched.val_loss[r], alone.val_loss[0], rtol=1e-4, atol=1e-5)
    assert not np.allclose(batched.val_loss[0], batched.val_loss[1])


def test_a_setting_that_changes_shapes_cannot_differ_inside_a_batch():
    from mtl_core.params import ConfigError

    with pytest.raises(ConfigError, match="data.n_train"):
        final(default_config(**SMALL), [RunSpec(0), RunSpec(1, {"data.n_train": 300})])


def test_final_snapshot_evaluates_the_test_split():
    snaps = list(train(default_config(**SMALL)))
    assert all(s.test_loss is None for s in snaps[:-1])
    last = snaps[-1]
    assert last.test_loss.shape == (1, 2) and np.isfinite(last.test_loss).all()
    assert not np.array_equal(last.test_loss, last.val_loss)  # a different split


def test_a_diverging_run_is_recorded_and_the_others_go_on():
    cfg = default_config(**SMALL, **{"train.optimizer": "sgd", "data.c": 10.0, "train.lr": 0.001})
    last = final(cfg, [RunSpec(0), RunSpec(1, {"train.lr": 100.0}), RunSpec(2)])
    assert list(last.status) == ["ok", "diverged", "ok"]
    assert last.diverged_step[1] >= 0 and last.diverged_step[0] == last.diverged_step[2] == -1
    assert np.isfinite(last.val_loss[[0, 2]]).all()


def test_a_dead_tower_is_flagged_as_collapsed():
    from mtl_core.engine.data import StackedSplit
    from mtl_core.engine.evaluate import evaluate

    cfg = default_config(**SMALL)
    data = DATASETS["synthetic"].build(dict(cfg.data.params), 0)
    split = StackedSplit.of([data.val], torch.device("cpu"))
    y = split.y  # (1, N, 2)
    preds = {"task1": y[..., 0] + 0.1 * torch.randn_like(y[..., 0]), "task2": torch.full_like(y[..., 1], 0.3)}
    ev = evaluate(preds, {}, split, ("task1", "task2"), ("regression", "regression"), {})
    assert ev.collapsed.tolist() == [[False, True]]


def test_predictions_of_a_finished_run_are_reachable():
    from mtl_core.train import Trainer

    cfg = default_config(**{"data": "funnel", "data.n_impressions": 4000, "model": "esmm", "train.epochs": 1})
    trainer = Trainer(cfg)
    last = list(trainer)[-1]
    out = trainer.predict("test")
    n = len(trainer.datasets[0].test)
    assert out["preds"]["ctr"].shape == (1, n) and out["truth"]["true_pcvr"].shape == (1, n)
    np.testing.assert_allclose(out["extras"]["ctcvr"], out["preds"]["ctr"] * out["preds"]["cvr"], rtol=1e-6)
    assert last.done


@pytest.mark.parametrize("runs", [None, [RunSpec(0), RunSpec(1, {"train.lr": 100.0}), RunSpec(2)]])
def test_gathering_an_epoch_at_once_trains_exactly_like_a_gather_per_step(monkeypatch, runs):
    """Small studies slice batches from the epoch's shuffled rows: the same rows in the same order, so the
    same numbers, bit for bit (with a diverging run among them too)."""
    import mtl_core.train as train_module

    cfg = default_config(**SMALL, **{"train.optimizer": "sgd", "data.c": 10.0, "train.lr": 0.001})
    monkeypatch.setattr(train_module, "EPOCH_GATHER_BYTES", 1 << 40)
    whole = final(cfg, runs)
    monkeypatch.setattr(train_module, "EPOCH_GATHER_BYTES", 0)
    per_step = final(cfg, runs)
    for field in ("train_loss", "val_loss", "weights", "diverged_step"):
        assert np.array_equal(getattr(whole, field), getattr(per_step, field), equal_nan=True), field
    assert list(whole.status) == list(per_step.status)
