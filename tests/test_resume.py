"""Resumable sweeps: rows saved batch by batch, a stopped or killed sweep finishes where it stopped with exactly
the rows of an uninterrupted one, one sweep per folder, and bad output folders refused before training."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mtl_core.__main__ import main
from mtl_core.config import default_config
from mtl_core.experiments.balance import plan_study
from mtl_core.records import read_results
from mtl_core.study import LocalBackend, OutError, SweepLock, plan_jobs, prepare_out, run_key, run_sweep
from mtl_core.study import local as local_backend
from mtl_core.study.jobs import remaining
from mtl_core.study.store import FAILURES, JOURNAL, RESULTS, ResultsStore

ROOT = Path(__file__).resolve().parents[1]
TINY = {"data.n_train": 300, "data.n_val": 100, "data.n_test": 100, "train.epochs": 1, "train.batch_size": 100}
TIMING = ["samples_per_s", "elapsed_s", "step_ms"]  # wall-clock columns: differ between any two runs


def tiny_parts(seeds=range(2)):
    cfg = default_config(**TINY)
    return plan_study(cfg, {"model": ["shared_bottom", "mmoe"], "data.rho": [0.5, 0.9]}, seeds, baselines=True)


def same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal tables, timing columns aside: same columns, same rows in the same order, same numbers."""
    pd.testing.assert_frame_equal(a.drop(columns=TIMING, errors="ignore"), b.drop(columns=TIMING, errors="ignore"))


def sweep(parts, out, **kw):
    return run_sweep(parts, out, backend=LocalBackend(), max_batch=256, progress=False, **kw)


# ---- keys, store, plan ------------------------------------------------------------------------------------
def test_run_key_tells_runs_apart_by_configuration_seed_and_role():
    cfg = default_config(**TINY)
    key = run_key(cfg, "mtl", False)
    assert key == run_key(default_config(**TINY), "mtl", False)
    others = {run_key(cfg.with_changes(**{"train.seed": 1}), "mtl", False),
              run_key(cfg.with_changes(**{"data.rho": 0.5000001}), "mtl", False),
              run_key(cfg, "single_task", False), run_key(cfg, "mtl", True)}
    assert key not in others and len(others) == 4


def test_a_job_without_its_done_runs_keeps_the_others_in_order():
    job = plan_jobs(tiny_parts(range(3)), max_batch=256)[0]
    assert remaining(job, set()) is job and remaining(job, set(job.keys)) is None
    rest = remaining(job, {job.keys[0], job.keys[2]})
    assert rest.keys == tuple(k for i, k in enumerate(job.keys) if i not in (0, 2))
    assert [r.seed for r in rest.batch.runs] == [r.seed for i, r in enumerate(job.batch.runs) if i not in (0, 2)]
    assert all(len(v) == rest.n_runs for v in rest.batch.axes.values())


def test_a_torn_journal_line_is_ignored_and_the_rest_is_kept(tmp_path):
    store = ResultsStore(tmp_path)
    store.add([{"schema_version": 2, "run_key": "a", "task": "task1", "val_loss": 0.1},
               {"schema_version": 2, "run_key": "a", "task": "task2", "val_loss": 1 / 3}])
    store.close()
    with open(tmp_path / JOURNAL, "a") as f:  # what a kill in the middle of an append leaves
        f.write('{"rows": [{"schema_version": "2", "run_key": "b", "ta')
    again = ResultsStore(tmp_path)
    assert again.load() == {"a"}
    table = pd.read_csv(tmp_path / RESULTS)
    assert list(table.run_key) == ["a", "a"] and table.val_loss.tolist() == [0.1, 1 / 3]  # full precision


def test_a_resumed_sweep_trains_only_what_is_missing_and_ends_with_the_same_table(tmp_path):
    parts = tiny_parts()
    whole = sweep(parts, tmp_path / "whole")
    assert whole.runs_trained == whole.runs_total == 2 * 2 * 2 + 2 * 2  # 2 archs x 2 rho x 2 seeds + baselines
    # a folder holding the first batch only, as a sweep stopped after it leaves it
    first = plan_jobs(parts, max_batch=256)[0]
    part_dir = tmp_path / "part"
    part_dir.mkdir()
    table = pd.read_csv(tmp_path / "whole" / RESULTS)
    table[table.run_key.isin(first.keys)].drop(columns=["single_task_metric", "mtl_gain", "mtl_gain_pct"]).to_csv(
        part_dir / RESULTS, index=False)
    resumed = sweep(parts, part_dir)
    assert resumed.runs_before == first.n_runs and resumed.runs_trained == whole.runs_total - first.n_runs
    same_rows(read_results(part_dir / RESULTS), read_results(tmp_path / "whole" / RESULTS))
    assert sweep(parts, part_dir).runs_trained == 0  # all done: nothing trains


def test_a_batch_that_raises_is_retried_then_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    parts = tiny_parts()
    real = local_backend.train_job
    calls: dict[int, int] = {}

    def flaky(job, *args, **kw):
        calls[job.index] = calls.get(job.index, 0) + 1
        if job.index == 1 and calls[job.index] <= FAILS:
            raise RuntimeError("injected failure")
        return real(job, *args, **kw)
    monkeypatch.setattr(local_backend, "train_job", flaky)
    FAILS = 1  # fails once: the retry succeeds
    once = sweep(parts, tmp_path / "once", retries=1)
    assert not once.failures and calls[1] == 2 and once.runs_trained == once.runs_total
    calls.clear()
    FAILS = 10  # fails every time: recorded, the other batches train
    bad = sweep(parts, tmp_path / "bad", retries=1)
    job = plan_jobs(parts, max_batch=256)[1]
    assert calls[1] == 2 and len(bad.failures) == job.n_runs and bad.runs_trained == bad.runs_total - job.n_runs
    failures = pd.read_csv(tmp_path / "bad" / FAILURES)
    assert set(failures.run_key) == set(job.keys) and (failures.attempts == 2).all()
    assert failures.error.str.contains("RuntimeError: injected failure").all()
    monkeypatch.setattr(local_backend, "train_job", real)
    again = sweep(parts, tmp_path / "bad")  # the same study again: only the failed batch trains
    assert again.runs_trained == job.n_runs and not (tmp_path / "bad" / FAILURES).exists()
    same_rows(read_results(tmp_path / "bad" / RESULTS), read_results(tmp_path / "once" / RESULTS))


# ---- the output folder ------------------------------------------------------------------------------------
def unwritable(tmp_path) -> Path:
    """A folder this process cannot create: under a read-only one, or for root (whom modes do not stop) on /sys."""
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir(exist_ok=True)
        ro.chmod(0o555)
        return ro / "out"
    target = Path("/sys/mtl_explorer_out")
    try:
        target.mkdir()
    except OSError:
        return target
    target.rmdir()
    pytest.skip("running as root with a writable /sys: no read-only folder to test with")


def test_out_folders_that_cannot_be_used_are_refused_in_one_line(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    with pytest.raises(OutError, match="is a file; expected a folder"):
        prepare_out(a_file)
    ro = unwritable(tmp_path)
    with pytest.raises(OutError, match="is not writable"):
        prepare_out(ro)
    with SweepLock(tmp_path):
        with pytest.raises(OutError, match=f"in use by another sweep \\(pid {os.getpid()}\\)"):
            with SweepLock(tmp_path):
                pass
    with SweepLock(tmp_path):  # released: taken again
        pass


def test_a_lock_left_by_a_dead_sweep_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / ".sweep.lock").write_text(f"{dead.pid}\n")
    with SweepLock(tmp_path):
        assert (tmp_path / ".sweep.lock").read_text().strip() == str(os.getpid())


def test_an_older_results_csv_still_loads_but_is_not_resumed_into(tmp_path):
    sweep(tiny_parts(), tmp_path)
    old = read_results(tmp_path / RESULTS).drop(columns=["run_key"])
    old.to_csv(tmp_path / RESULTS, index=False)
    assert len(read_results(tmp_path / RESULTS)) == len(old)
    with pytest.raises(OutError, match="no run_key column"):
        sweep(tiny_parts(), tmp_path)


CLI_TINY = ["--n-samples", "300", "--set", "data.n_val=100", "--set", "data.n_test=100", "--epochs", "1"]
HUGE = ["--n-samples", "100000", "--epochs", "500"]  # minutes of training if it started


def test_cli_refuses_a_file_or_unwritable_out_before_training(tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for cmd in (["sweep", "--archs", "mmoe", "--seeds", "2"], ["train", "--arch", "mmoe"]):
        for out in (a_file, unwritable(tmp_path)):
            t = time.perf_counter()
            assert main([*cmd, *HUGE, "--out", str(out)]) == 2
            err = capsys.readouterr().err.strip()
            assert len(err.splitlines()) == 1 and err.startswith(f"error: --out {out}") and "Traceback" not in err
            assert time.perf_counter() - t < 30  # refused before training


def test_cli_refuses_a_folder_in_use_and_an_older_table(tmp_path, capsys):
    with SweepLock(tmp_path):
        assert main(["sweep", "--archs", "mmoe", "--seeds", "2", *HUGE, "--out", str(tmp_path)]) == 2
    assert f"in use by another sweep (pid {os.getpid()})" in capsys.readouterr().err
    pd.DataFrame({"schema_version": [2], "data": ["synthetic"], "arch": ["mmoe"], "weighting": ["ew"], "seed": [0],
                  "task": ["task1"], "val_loss": [0.5], "status": ["ok"]}).to_csv(tmp_path / RESULTS, index=False)
    assert main(["sweep", "--archs", "mmoe", "--seeds", "1", *CLI_TINY, "--out", str(tmp_path)]) == 2
    assert "no run_key column" in capsys.readouterr().err


# ---- the command line, stopped and killed -----------------------------------------------------------------
# 12 batches of 2 runs: after the first batch is saved, the rest takes seconds even on an idle machine, so a
# signal sent then always lands mid-study (with 3 larger batches an idle CI machine finished first).
STUDY = ["sweep", "--archs", "shared_bottom,omoe,mmoe", "--rhos", "0.5,0.9", "--seeds", "4", "--n-samples", "4000",
         "--set", "data.n_val=500", "--set", "data.n_test=500", "--epochs", "6", "--max-batch", "2"]


def cli_env():
    return dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")


# The sweep as a terminal starts it, with Ctrl-C live. A suite launched in the background (`pytest &`, nohup, some
# CI runners) has SIGINT ignored, children inherit that, and Python then leaves it ignored: restore it first.
AS_FROM_A_TERMINAL = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                      "sys.argv[0] = 'mtl_core'; runpy.run_module('mtl_core', run_name='__main__', alter_sys=True)")


def start_sweep(out: Path, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", AS_FROM_A_TERMINAL, *STUDY, "--out", str(out), *extra], cwd=ROOT,
                            env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, timeout: float = 400.0) -> None:
    """Poll until predicate() holds."""
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.05)


def finish(out: Path, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mtl_core", *STUDY, "--out", str(out), *extra], cwd=ROOT,
                          env=cli_env(), capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("whole")
    assert main([*STUDY, "--out", str(out)]) == 0  # in this process: the same code, without a start-up
    return read_results(out / RESULTS)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_or_killed_sweep_resumes_to_exactly_the_uninterrupted_rows(tmp_path, uninterrupted, sig):
    proc = start_sweep(tmp_path)
    wait_for(lambda: (tmp_path / RESULTS).exists())  # the first batch's rows are saved
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)
    saved = read_results(tmp_path / RESULTS)
    assert 0 < len(saved) < len(uninterrupted)
    assert saved.groupby("run_key").size().eq(2).all()  # whole runs only (one row per task)
    if sig != signal.SIGKILL:  # Ctrl-C or a polite kill: it stops at its next turn and says how to go on
        assert proc.returncode == 130
        assert "run the same command again" in err.strip().splitlines()[-1]
    else:
        assert proc.returncode == -signal.SIGKILL
    res = finish(tmp_path)
    assert res.returncode == 0, res.stderr
    assert f"resumed: {saved.run_key.nunique()} of 24 runs" in res.stderr
    same_rows(read_results(tmp_path / RESULTS), uninterrupted)
    assert not (tmp_path / JOURNAL).exists()


@pytest.mark.slow
def test_a_second_sweep_on_a_folder_in_use_is_refused_and_the_first_finishes_intact(tmp_path, uninterrupted):
    first = start_sweep(tmp_path)
    lock = tmp_path / ".sweep.lock"
    wait_for(lambda: lock.exists() and lock.read_text().strip() == str(first.pid))
    first.send_signal(signal.SIGSTOP)  # frozen while holding the folder, however fast it would have finished
    try:
        second = finish(tmp_path)
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == 2
    assert second.stderr.strip() == (f"error: --out {tmp_path} is in use by another sweep (pid {first.pid}); wait "
                                     "for it to finish or choose another --out")
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    same_rows(read_results(tmp_path / RESULTS), uninterrupted)
