"""The Ray backend (optional extra): the same study gives the same rows as the in-process backend, a task that
raises is retried and then recorded, and a sweep whose driver is stopped or killed resumes to exactly the rows
of an uninterrupted one. One local Ray instance with 2 CPUs serves the module (the CLI's drivers join it)."""
import signal
import sys
from pathlib import Path

import pandas as pd
import pytest

from mtl_core.records import read_results
from mtl_core.study import LocalBackend, plan_jobs, run_sweep
from mtl_core.study.store import FAILURES, RESULTS

from test_resume import STUDY, finish, same_rows, start_sweep, tiny_parts, wait_for


@pytest.fixture(scope="module")
def cluster():
    """A local Ray instance with 2 CPUs; its address lets CLI drivers in subprocesses join it."""
    import logging

    ray = pytest.importorskip("ray", reason="the Ray backend is an optional extra: pip install -e .[ray]")
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=128 << 20, logging_level=logging.ERROR,
             log_to_driver=False)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


def ray_sweep(parts, out, **kw):
    from mtl_core.study.ray_backend import RayBackend

    return run_sweep(parts, out, backend=RayBackend(**kw), max_batch=256, progress=False, retries=1)


@pytest.mark.slow
def test_the_same_study_gives_the_same_rows_in_process_and_on_ray(tmp_path, cluster):
    parts = tiny_parts()
    local = run_sweep(parts, tmp_path / "local", backend=LocalBackend(), max_batch=256, progress=False)
    on_ray = ray_sweep(parts, tmp_path / "ray")
    assert on_ray.runs_trained == local.runs_trained == 12
    assert all(w.startswith("  node ") for w in on_ray.workers)  # trained by Ray workers, named by node
    same_rows(read_results(tmp_path / "ray" / RESULTS), read_results(tmp_path / "local" / RESULTS))


def failing_task(marker_dir: str, fails: int):
    """A Ray task that raises for the second batch `fails` times (counted in files: tasks share no memory)."""
    from mtl_core.study.ray_backend import run_on_worker

    def task(job, *args):
        if job.index == 1:
            tries = Path(marker_dir) / "tries"
            n = len(tries.read_text()) if tries.exists() else 0
            tries.write_text("x" * (n + 1))
            if n < fails:
                raise RuntimeError("injected failure")
        return run_on_worker(job, *args)
    return task


@pytest.mark.slow
def test_a_ray_task_that_raises_is_retried_then_recorded_and_a_rerun_finishes(tmp_path, cluster):
    parts = tiny_parts()
    job = plan_jobs(parts, max_batch=256)[1]
    (tmp_path / "m1").mkdir()
    once = ray_sweep(parts, tmp_path / "once", task=failing_task(str(tmp_path / "m1"), fails=1))
    assert not once.failures and once.runs_trained == once.runs_total
    assert (tmp_path / "m1" / "tries").read_text() == "xx"
    (tmp_path / "m2").mkdir()
    bad = ray_sweep(parts, tmp_path / "bad", task=failing_task(str(tmp_path / "m2"), fails=99))
    assert len(bad.failures) == job.n_runs and bad.runs_trained == bad.runs_total - job.n_runs
    failures = pd.read_csv(tmp_path / "bad" / FAILURES)
    assert set(failures.run_key) == set(job.keys) and failures.error.str.contains("injected failure").all()
    again = ray_sweep(parts, tmp_path / "bad")
    assert again.runs_trained == job.n_runs and not (tmp_path / "bad" / FAILURES).exists()
    same_rows(read_results(tmp_path / "bad" / RESULTS), read_results(tmp_path / "once" / RESULTS))


@pytest.mark.slow
def test_a_ray_sweep_stopped_then_killed_resumes_to_the_uninterrupted_rows(tmp_path, cluster):
    from mtl_core.__main__ import main

    reference = tmp_path / "reference"
    assert main([*STUDY, "--out", str(reference)]) == 0  # the in-process backend, uninterrupted
    out = tmp_path / "ray"
    n_rows = lambda: len(read_results(out / RESULTS)) if (out / RESULTS).exists() else 0  # noqa: E731
    proc = start_sweep(out, "--backend", "ray", "--address", cluster)
    wait_for(lambda: n_rows() > 0)  # the first batch is saved
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    after_stop = n_rows()
    assert 0 < after_stop < len(read_results(reference / RESULTS))
    proc = start_sweep(out, "--backend", "ray", "--address", cluster)
    wait_for(lambda: n_rows() > after_stop)  # one more batch is saved
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=300)
    res = finish(out, "--backend", "ray", "--address", cluster)
    assert res.returncode == 0, res.stderr
    same_rows(read_results(out / RESULTS), read_results(reference / RESULTS))


def test_the_ray_backend_without_ray_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    from mtl_core.__main__ import main

    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets where the extra is not installed
    assert main(["sweep", "--archs", "mmoe", "--seeds", "1", "--backend", "ray", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == ("error: --backend ray needs Ray, an optional extra: install it "
                                               "with `pip install -e .[ray]`")
    assert not (tmp_path / RESULTS).exists()


def test_an_address_where_nothing_answers_is_refused_in_one_line(tmp_path, capsys):
    pytest.importorskip("ray", reason="the Ray backend is an optional extra: pip install -e .[ray]")
    from mtl_core.__main__ import main

    assert main(["sweep", "--archs", "mmoe", "--seeds", "1", "--backend", "ray", "--address", "127.0.0.1:1",
                 "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --address 127.0.0.1:1: nothing answers there") and len(err.splitlines()) == 1


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="no CUDA device on this machine")
def test_batches_train_on_a_gpu_and_agree_with_the_cpu(tmp_path):
    from mtl_core.config import default_config
    from mtl_core.experiments.balance import plan_study
    from test_resume import TINY

    def parts(device):
        cfg = default_config(**TINY, **{"train.device": device})
        return plan_study(cfg, {"model": ["shared_bottom", "mmoe"]}, range(3), baselines=False)
    cpu = run_sweep(parts("cpu"), tmp_path / "cpu", backend=LocalBackend(), max_batch=256, progress=False)
    gpu = run_sweep(parts("cuda"), tmp_path / "gpu", backend=LocalBackend(), max_batch=256, progress=False)
    a, b = cpu.results, gpu.results
    assert len(a) == len(b) == 12 and (b.status == "ok").all()
    pd.testing.assert_series_equal(a.test_loss, b.test_loss, rtol=1e-3, check_exact=False)


@pytest.mark.slow
@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="no CUDA device on this machine")
def test_ray_places_batches_on_a_shared_gpu(tmp_path, cluster):
    from mtl_core.config import default_config
    from mtl_core.experiments.balance import plan_study
    from test_resume import TINY

    parts = plan_study(default_config(**TINY, **{"train.device": "cuda"}), {"model": ["shared_bottom", "mmoe"]},
                       range(3), baselines=False)
    local = run_sweep(parts, tmp_path / "local", backend=LocalBackend(), max_batch=256, progress=False)
    on_ray = ray_sweep(parts, tmp_path / "ray", gpus_per_batch=0.5)  # two batches per GPU
    same_rows(read_results(tmp_path / "ray" / RESULTS), read_results(tmp_path / "local" / RESULTS))
    assert on_ray.runs_trained == 6
