"""Studies (run_grid), the records schema and the presets registry."""
import io

import numpy as np
import pandas as pd
import pytest

from mtl_core.config import default_config
from mtl_core.grid import balanced_max_batch, iter_grid, plan_grid, run_grid, with_model
from mtl_core.presets import PRESETS
from mtl_core.records import RESULT_COLUMNS, SCHEMA_VERSION, RecordsError, read_results, run_counts

TINY = {"data.n_train": 300, "data.n_val": 100, "data.n_test": 100, "train.epochs": 1, "train.batch_size": 100}


def test_per_run_axes_share_a_batch_and_shape_axes_split_it():
    cfg = default_config(**TINY)
    batches = plan_grid(cfg, {"data.rho": [0.5, 1.0], "weighting": ["ew"], "model.n_experts": [2, 4]}, range(3))
    assert len(batches) == 2  # one per number of experts
    assert all(len(b.runs) == 6 for b in batches)  # 2 rho x 3 seeds inside each
    assert sorted(b.cfg.model.params["n_experts"] for b in batches) == [2, 4]
    static = default_config(**TINY, weighting="static")
    batches = plan_grid(static, {"weighting.weights": [(1.0, 0.1), (0.1, 1.0)]}, range(2))
    assert len(batches) == 1 and len(batches[0].runs) == 4  # static weights vary inside one batch


def test_a_grid_over_static_weights_trains_as_one_batch_and_moves_the_tradeoff():
    cfg = default_config(**{**TINY, "train.epochs": 3}, weighting="static", model="shared_bottom")
    df = run_grid(cfg, {"weighting.weights": [(1.0, 0.05), (0.05, 1.0)]}, seeds=range(2))
    assert set(df.batch_runs) == {4}
    loss = df.groupby(["weighting.weights", "task"]).val_loss.mean()
    assert loss[("1,0.05", "task1")] < loss[("0.05,1", "task1")]  # the favoured task learns more
    assert loss[("0.05,1", "task2")] < loss[("1,0.05", "task2")]


def test_results_have_one_row_per_run_and_task_with_the_schema():
    cfg = default_config(**TINY)
    progress = list(iter_grid(cfg, {"model": ["shared_bottom", "mmoe"], "data.rho": [0.5, 1.0]}, range(2)))
    rows = [r for p in progress for r in p.new_rows]
    assert len(rows) == 2 * 2 * 2 * 2
    assert progress[-1].runs_done == progress[-1].runs_total == 8
    assert progress[-1].steps_done == progress[-1].steps_total
    df = run_grid(cfg, {"data.rho": [0.5]}, seeds=range(2))
    assert list(df.columns[:len(RESULT_COLUMNS)]) == list(RESULT_COLUMNS) and "data.rho" in df
    assert (df.schema_version == SCHEMA_VERSION).all() and set(df.status) == {"ok"}
    assert df.test_loss.notna().all() and df.val_loss.notna().all()


def test_batches_trained_by_two_workers_give_exactly_the_results_of_one():
    cfg = default_config(**TINY)
    axes = {"model": ["shared_bottom", "omoe", "mmoe"], "data.rho": [0.5, 1.0]}
    one = run_grid(cfg, axes, range(3))
    progress = list(iter_grid(cfg, axes, range(3), workers=2))
    two = pd.DataFrame([r for p in progress for r in p.new_rows])
    keys = ["arch", "seed", "relatedness", "task"]
    one, two = (d.sort_values(keys).reset_index(drop=True) for d in (one, two))
    assert len(two) == len(one) == 3 * 2 * 3 * 2
    np.testing.assert_array_equal(two.test_loss.to_numpy(), one.test_loss.to_numpy())
    np.testing.assert_array_equal(two.val_loss.to_numpy(), one.val_loss.to_numpy())
    assert len({p.batch for p in progress}) == 3  # every batch reported, interleaved
    assert progress[-1].runs_done == progress[-1].runs_total == 18
    assert progress[-1].steps_done == progress[-1].steps_total
    assert all(a.steps_done <= b.steps_done for a, b in zip(progress, progress[1:]))


def test_batches_are_cut_so_that_no_worker_idles_at_the_end():
    cfg = default_config(**TINY)
    axes = {"model": ["shared_bottom", "omoe", "mmoe"], "data.rho": [0.5, 0.9, 1.0]}
    assert balanced_max_batch(cfg, axes, range(20), workers=1) == 256  # one worker: as asked
    mb = balanced_max_batch(cfg, axes, range(20), workers=2)  # 3 groups of 60 runs
    sizes = [len(b.runs) for b in plan_grid(cfg, axes, range(20), mb)]
    assert mb == 30 and sizes == [30] * 6
    mb = balanced_max_batch(cfg, axes, range(200), workers=2)  # 3 groups of 600, at most 256 a batch
    sizes = [len(b.runs) for b in plan_grid(cfg, axes, range(200), mb)]
    assert mb == 150 and sizes == [150] * 12


def test_a_study_over_architectures_keeps_a_changed_tower_width_but_not_a_bottom_width():
    cfg = default_config(**{**TINY, "model": "shared_bottom", "model.bottom_units": (40,), "model.tower_units": (16,)})
    params = {b.cfg.model.id: dict(b.cfg.model.params)
              for b in plan_grid(cfg, {"model": ["shared_bottom", "mmoe", "single_task"]}, [0])}
    assert params["shared_bottom"]["bottom_units"] == (40,) and params["shared_bottom"]["tower_units"] == (16,)
    assert params["mmoe"]["tower_units"] == (16,) and "bottom_units" not in params["mmoe"]
    assert params["single_task"]["bottom_units"] == default_config(model="single_task").model.params["bottom_units"]
    untouched = with_model(default_config(**TINY), "mmoe")  # nothing changed: the new model's defaults
    assert dict(untouched.model.params) == dict(default_config(**{**TINY, "model": "mmoe"}).model.params)


def test_a_batch_where_every_run_diverged_is_recorded_not_raised():
    cfg = default_config(**{**TINY, "train.optimizer": "sgd", "train.lr": 100.0, "data.c": 10.0})
    df = run_grid(cfg, {}, seeds=range(2))
    assert set(df.status) == {"diverged"} and (df.diverged_step >= 0).all()
    assert run_counts(df) == {"runs": 2, "diverged": 2, "collapsed": 0}


def test_results_round_trip_and_bad_files_are_named():
    df = run_grid(default_config(**TINY), {"data.rho": [0.5]}, seeds=range(2))
    buf = io.StringIO(df.to_csv(index=False))
    back = read_results(buf)
    assert len(back) == len(df) and back.collapsed.dtype == bool
    with pytest.raises(RecordsError, match="val_loss"):
        read_results(io.StringIO(df.drop(columns=["val_loss"]).to_csv(index=False)))
    with pytest.raises(RecordsError, match="schema version 1"):
        read_results(io.StringIO(df.assign(schema_version=1).to_csv(index=False)))
    with pytest.raises(RecordsError, match="schema_version"):
        read_results(io.StringIO("arch,rho,seed,task,val_loss\nmmoe,0.5,0,task1,0.1\n"))


@pytest.mark.parametrize("pid", list(PRESETS))
def test_every_preset_validates_and_plans(pid):
    preset = PRESETS[pid]
    cfg = preset.experiment()
    assert set(preset.title) == set(preset.description) == {"en", "zh"}
    batches = plan_grid(cfg, preset.axes, preset.seeds)
    assert sum(len(b.runs) for b in batches) == preset.n_runs
    assert not hasattr(preset, "expected_s")  # a time is estimated on the machine that runs it (mtl_core.timing)


def test_every_preset_runs_on_tiny_settings():
    from mtl_core.data import census

    for preset in PRESETS.values():
        cfg = preset.experiment()
        if cfg.data.id == "census" and not census.is_available():
            continue  # tests/test_census.py runs a census study on a tiny raw file
        size = {"synthetic": {"data.n_train": 200, "data.n_val": 100, "data.n_test": 100},
                "funnel": {"data.n_impressions": 2000}, "feed": {"data.n_impressions": 2000},
                "census": {"data.n_train": 500, "data.n_eval": 200}}[cfg.data.id]
        tiny = cfg.with_changes(**size, **{"train.epochs": 1})
        df = run_grid(tiny, preset.axes, preset.seeds[:2])
        assert len(df) and np.isfinite(df.val_loss).all(), preset.id
