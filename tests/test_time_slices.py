"""Bounded time slices (mtl_core/slices.py, app/ui/jobs.py): a pull returns within its slice however far
apart the job's events are (its first one included), the engine parks at its next checkpoint meanwhile,
and a stop unwinds a job in the middle of generating its data or training, freeing it at once."""
import gc
import time
import weakref

import pytest

from app.ui.jobs import Job, Progress, run_job
from mtl_core import slices
from mtl_core.config import from_flat


def job_of(events) -> Job:
    return Job(events, runs_total=1, progress=lambda e: Progress(0, 1, 0.0))


def test_checkpoint_outside_a_slice_does_nothing():
    slices.checkpoint()  # the CLI and tests: no slice bound


def test_a_slice_parks_its_work_past_the_deadline_and_cancel_raises_there():
    import threading

    s = slices.Slice()
    steps = []

    def work():
        slices.bind(s)
        try:
            while True:
                slices.checkpoint()
                steps.append(1)
                time.sleep(0.001)
        except slices.Cancelled:
            steps.append("cancelled")
    s.grant(time.monotonic() + 0.1)
    th = threading.Thread(target=work)
    th.start()
    time.sleep(0.3)
    assert s.parked == 1
    n = len(steps)
    time.sleep(0.1)
    assert len(steps) == n  # parked: no work outside the slice
    s.grant(time.monotonic() + 0.1)
    time.sleep(0.2)
    assert len(steps) > n
    s.cancel()
    th.join(2)
    assert not th.is_alive() and steps[-1] == "cancelled"


def slow_first_event(log: list, seconds: float = 30.0):
    """A first event `seconds` away (a large dataset's generation), with a checkpoint every millisecond."""
    try:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            slices.checkpoint()
            time.sleep(0.001)
        yield "first"
    finally:
        log.append("unwound")


def test_a_pull_returns_within_its_slice_before_the_first_event():
    log = []
    job = job_of(slow_first_event(log))
    t0 = time.perf_counter()
    assert not job.pull(0.2)
    assert time.perf_counter() - t0 < 0.6 and job.last is None and job.running
    time.sleep(0.1)
    assert job._worker.slice.parked == 1  # the work waits for the next pull, not using the CPU slot
    t0 = time.perf_counter()
    job.stop()
    assert time.perf_counter() - t0 < 1.0 and log == ["unwound"] and job.status == "stopped"


def test_a_stop_frees_a_real_run_in_the_middle_of_generating_its_data():
    cfg = from_flat({"data.n_train": 1_000_000, "data.d": 200, "train.epochs": 1})  # seconds of generation
    job = run_job(cfg)
    t0 = time.perf_counter()
    assert not job.pull(0.3)
    assert time.perf_counter() - t0 < 1.5 and job.last is None
    worker = job._worker
    job.stop()
    assert time.perf_counter() - t0 < 3.0 and worker.done and worker._it is None


@pytest.mark.slow
def test_a_real_run_trains_across_many_short_pulls_to_the_same_result_as_one_pass():
    import numpy as np

    from mtl_core.train import train

    cfg = from_flat({"data.n_train": 2000, "data.n_val": 200, "data.n_test": 200, "train.epochs": 2})
    job = run_job(cfg, snapshot_interval_s=None)
    while job.active:
        job.pull(0.01)
    alone = list(train(cfg))
    assert job.status == "finished"
    np.testing.assert_array_equal(job.events[-1].val_loss, alone[-1].val_loss)  # bit-identical


def test_a_dropped_job_ends_its_worker_thread():
    log = []
    job = job_of(slow_first_event(log))
    job.pull(0.05)
    worker = weakref.ref(job._worker)
    del job
    gc.collect()
    deadline = time.time() + 20  # a loaded machine may take a while to schedule the worker
    while not log and time.time() < deadline:
        gc.collect()
        time.sleep(0.05)
    assert log == ["unwound"]
