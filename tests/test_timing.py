"""Time estimates before a run (mtl_core.timing): the schedule arithmetic, what each preset is said to train, the
probes' shape, and one estimate against a measured run."""
from __future__ import annotations

import math
import time

import pytest

from mtl_core import timing
from mtl_core.config import from_flat
from mtl_core.presets import PRESETS

TINY = {"model": "shared_bottom", "data.n_train": 512, "data.n_val": 128, "data.n_test": 128, "train.epochs": 2,
        "train.batch_size": 64}


@pytest.mark.parametrize("seconds, text", [(0.2, "1 s"), (12.4, "12 s"), (70, "1 min 10 s"), (599, "9 min 59 s"),
                                           (601, "10 min"), (3725, "1 h 02 min"), (math.inf, "?")])
def test_times_read_as_a_person_plans(seconds, text):
    assert timing.format_seconds(seconds) == text


def test_longest_first_schedule_known_answers_and_bounds(monkeypatch):
    monkeypatch.setattr(timing, "usable_cores", lambda: 8)
    assert timing._schedule([3, 3, 2, 2, 2], 2) == 7  # LPT: 3+2+2 and 3+2
    assert timing._schedule([5, 1, 1], 4) == 5  # never below the longest batch
    assert timing._schedule([1, 1, 1, 1], 1) == 4
    costs = [4.0, 2.5, 2.0, 1.0, 0.5]
    for w in (1, 2, 3):
        got = timing._schedule(costs, w)
        assert max(max(costs), sum(costs) / w) <= got <= sum(costs) / w + max(costs)
    monkeypatch.setattr(timing, "usable_cores", lambda: 1)  # more workers than cores run no faster
    assert timing._schedule([3, 3], 2) == 6


@pytest.mark.parametrize("pid", list(PRESETS))
def test_a_preset_is_estimated_on_what_its_page_trains(pid):
    preset = PRESETS[pid]
    batches, _ = timing.preset_batches(preset)
    runs = sum(n for _, n in batches)
    if preset.section == "funnel":
        from mtl_core.experiments.funnel import DEFAULT_MODELS

        assert runs == len(DEFAULT_MODELS) * len(preset.seeds)
    elif preset.section == "balance":
        from mtl_core.experiments.balance import scenario_parts

        assert runs == sum(p.n_runs for p in scenario_parts(preset)) > preset.n_runs  # + static grid, baselines
    else:
        assert runs == preset.n_runs


def test_probes_give_a_step_that_grows_with_the_runs_and_are_cached(monkeypatch):
    cfg = from_flat(TINY)
    timing.clear_cache()
    fixed, per_run = timing.step_cost(cfg)
    assert fixed >= 0 and per_run > 0
    with monkeypatch.context() as m:
        m.setattr(timing, "_time_steps", lambda *a: pytest.fail("a cached probe ran again"))
        assert timing.step_cost(cfg) == (fixed, per_run)  # cached: no second probe
    assert timing.batch_seconds(cfg, 1)[0] > 0
    # The arithmetic on top of the probes, with the probes fixed (measured ones are noisy on a shared machine).
    m = monkeypatch
    m.setattr(timing, "step_cost", lambda cfg, record_conflict=False, n_runs=2: (fixed, per_run))
    one, steps = timing.batch_seconds(cfg, 1)
    many, _ = timing.batch_seconds(cfg, 16)
    assert steps == math.ceil(512 / 64) * 2 and many > one > 0
    longer, steps2 = timing.batch_seconds(cfg.with_changes(**{"train.epochs": 4}), 1)
    assert steps2 == 2 * steps and longer > one


def test_a_gradient_based_weighting_is_measured_dearer_than_equal_weights():
    """Probed, not assumed: per-task backward passes cost more per step than one backward of the sum."""
    timing.clear_cache()
    ew = sum(timing.step_cost(from_flat({**TINY, "weighting": "ew"})))
    nash = sum(timing.step_cost(from_flat({**TINY, "weighting": "nash_mtl"})))
    assert nash > ew


@pytest.mark.slow
def test_an_estimate_is_within_a_factor_of_the_measured_run():
    """A tiny run against its estimate made just before it, on this machine (loose: shared CI machines)."""
    from mtl_core.train import train

    cfg = from_flat({**TINY, "train.epochs": 6, "train.snapshots_per_epoch": 1})
    timing.clear_cache()
    list(train(cfg))  # warm the process (imports, first allocations) as a page or the CLI would be
    est = timing.estimate_config(cfg).seconds
    t0 = time.perf_counter()
    list(train(cfg))
    measured = time.perf_counter() - t0
    assert measured / 5 < est < measured * 5, (est, measured)


def test_sharing_the_machine_is_priced_by_a_measured_slowdown_that_is_cached(monkeypatch):
    cfg = from_flat(TINY)
    timing.clear_cache()
    assert timing.concurrency_slowdown(cfg, 1) == 1.0  # one worker shares nothing: no probe
    slow = timing.concurrency_slowdown(cfg, 2, 4)
    assert slow >= 1.0
    with monkeypatch.context() as m:
        m.setattr(timing, "_concurrent_step_s", lambda *a: pytest.fail("a cached probe ran again"))
        assert timing.concurrency_slowdown(cfg, 2, 4) == slow
    # Two equal batches on two workers: each batch's own time stretched by the measured slowdown.
    one = timing.estimate([(cfg, 4)], workers=1).seconds
    both = timing.estimate([(cfg, 4), (cfg, 4)], workers=2).seconds
    if timing.usable_cores() >= 2:
        assert both == pytest.approx(one * slow)
