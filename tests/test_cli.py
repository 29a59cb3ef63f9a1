"""The command line as a user runs it: `main(argv)` in process (the code path of `python -m mtl_core`), and
one `python -m mtl_core` subprocess per command. Bad flags and files: tests/test_cli_inputs.py."""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mtl_core.__main__ import main
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.weighting import WEIGHTINGS

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--n-samples", "400", "--set", "data.n_val=200", "--set", "data.n_test=200", "--epochs", "1"]


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def cli(capsys):
    """Run the command line in process: cli("train", ...) -> returncode, stdout, stderr."""
    def run(*args):
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Result(code, out.out, out.err)
    return run


def cli_subprocess(*args):
    return subprocess.run([sys.executable, "-m", "mtl_core", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_list_shows_every_registered_id(cli):
    res = cli("list")
    assert res.returncode == 0
    for registry in (DATASETS, ARCHITECTURES, WEIGHTINGS):
        for key, info in registry.items():
            assert key in res.stdout and info.name in res.stdout


def test_help_everywhere(capsys):
    for cmd in ([], ["list"], ["train"], ["sweep"], ["funnel"], ["data"], ["data", "fetch"]):
        with pytest.raises(SystemExit) as stop:
            main([*cmd, "--help"])
        assert stop.value.code == 0 and "usage" in capsys.readouterr().out


def test_train_writes_history_and_summary(tmp_path, cli):
    res = cli("train", "--data", "synthetic", "--rho", "0.5", "--arch", "mmoe", "--weighting", "ew",
              "--seed", "0", "--set", "n_experts=4", "--out", str(tmp_path), *TINY)
    assert res.returncode == 0, res.stderr
    hist = pd.read_csv(tmp_path / "history.csv")
    assert {"step", "epoch", "task", "split", "loss", "weight"} <= set(hist.columns)
    assert set(hist.task) == {"task1", "task2"} and {"train", "val"} <= set(hist.split)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["config"]["model"]["n_experts"] == 4 and summary["config"]["data"]["rho"] == 0.5
    assert set(summary["final"]) == {"task1", "task2"}
    last_val = hist[(hist.split == "val") & (hist.step == hist.step.max())].set_index("task").loss
    assert summary["final"]["task1"]["val_loss"] == pytest.approx(last_val["task1"])
    assert summary["samples_per_s"] > 0 and summary["device"] == "cpu"


def test_train_on_funnel_reports_auc(tmp_path, cli):
    res = cli("train", "--data", "funnel", "--arch", "mmoe", "--n-samples", "3000", "--epochs", "1",
              "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    final = json.loads((tmp_path / "summary.json").read_text())["final"]
    assert 0.0 <= final["ctr"]["val_auc"] <= 1.0 and "val_loss" in final["cvr"]


def test_sweep_writes_one_row_per_run_and_task(tmp_path, cli):
    res = cli("sweep", "--archs", "shared_bottom,mmoe", "--rhos", "0.5,1.0", "--seeds", "3", "--out", str(tmp_path),
              *TINY)
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(tmp_path / "results.csv")
    assert {"arch", "weighting", "data.rho", "relatedness", "seed", "task", "val_loss", "test_loss", "status",
            "collapsed", "schema_version"} <= set(df.columns)
    assert len(df) == 2 * 2 * 3 * 2
    assert sorted(df.seed.unique()) == [0, 1, 2] and sorted(df["data.rho"].unique()) == [0.5, 1.0]
    assert (df.relatedness == df["data.rho"]).all()
    assert "batched" in res.stderr


@pytest.mark.parametrize("args, flag", [
    (["train", "--rho", "7"], "--rho"),
    (["train", "--arch", "nope"], "--arch"),
    (["train", "--weighting", "nope"], "--weighting"),
    (["train", "--lr", "zero"], "--lr"),
    (["train", "--epochs", "0"], "--epochs"),
    (["train", "--set", "n_experts=0"], "n_experts"),
    (["train", "--set", "nonsense=1"], "--set"),
    (["train", "--no-such-flag"], "--no-such-flag"),
    (["train", "--data", "funnel", "--rho", "0.5"], "--rho"),
    (["sweep", "--archs", "mmoe,nope"], "--archs"),
    (["sweep", "--archs", "mmoe", "--seeds", "x"], "--seeds"),
    (["sweep", "--archs", "mmoe", "--rhos", "0.5,abc"], "--rhos"),
    (["sweep", "--archs", "mmoe", "--rhos", "1.5"], "--rhos"),
    (["sweep", "--seeds", "9-3"], "--seeds"),
    (["sweep", "--preset", "nope"], "--preset"),
    (["train", "--data", "funnel", "--arch", "esmm", "--set", "n_experts=4"], "n_experts"),
    (["train", "--relatedness", "0.5", "--data", "funnel", "--set", "relatedness=2"], "relatedness"),
])
def test_bad_flags_give_one_line_and_exit_2(args, flag, tmp_path, capsys):
    # in-process (same code path as `python -m mtl_core`) to keep the suite fast
    assert main([*args, "--out", str(tmp_path)]) == 2
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and flag in lines[0]


def test_list_presets_and_sweep_a_preset_on_a_seed_range(tmp_path, cli):
    res = cli("list", "--presets")
    assert res.returncode == 0
    from mtl_core.presets import PRESETS
    assert all(pid in res.stdout for pid in PRESETS)
    res = cli("sweep", "--preset", "static_weights_tradeoff", "--seeds", "100-101", "--epochs", "1", "--workers", "1",
              "--n-samples", "300", "--set", "data.n_val=100", "--set", "data.n_test=100", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(tmp_path / "results.csv")
    assert sorted(df.seed.unique()) == [100, 101] and df["weighting.weights"].nunique() == 5
    assert set(df.batch_runs) == {10}  # every static-weight run of the grid trained in one batch


def test_train_preset_with_a_flag_overriding_it(tmp_path, cli):
    res = cli("train", "--preset", "gates_unrelated", "--rho", "0.3", "--out", str(tmp_path), *TINY)
    assert res.returncode == 0, res.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["config"]["data"]["rho"] == 0.3 and summary["config"]["model"]["id"] == "mmoe"
    assert summary["schema_version"] == 2 and summary["status"] == "ok"
    assert set(summary["final"]["task1"]) == {"val_loss", "test_loss"}


def test_a_diverging_run_prints_one_line_and_exits_1(tmp_path, cli):
    res = cli("train", "--lr", "100", "--optimizer", "sgd", "--set", "data.c=10", "--out", str(tmp_path), *TINY)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    line = res.stderr.strip().splitlines()[-1]
    assert line.startswith("error: Training diverged") and "step" in line and "seed 0" in line and "try" in line


def test_sweep_over_the_funnel_relatedness_knob(tmp_path, cli):
    res = cli("sweep", "--data", "funnel", "--archs", "esmm", "--rhos", "0.2,0.8", "--seeds", "1",
              "--n-samples", "2000", "--epochs", "1", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(tmp_path / "results.csv")
    assert sorted(df["data.relatedness"].unique()) == [0.2, 0.8] and set(df.relatedness_param) == {"relatedness"}


def test_sweep_numbers_do_not_depend_on_the_workers(tmp_path, cli):
    """The default uses every core; batches are then cut differently, the numbers stay the same."""
    args = ["sweep", "--archs", "shared_bottom,mmoe", "--seeds", "4", *TINY]
    frames = []
    for workers in ("1", "2"):
        res = cli(*args, "--workers", workers, "--out", str(tmp_path / workers))
        assert res.returncode == 0, res.stderr
        frames.append(pd.read_csv(tmp_path / workers / "results.csv").sort_values(["arch", "seed", "task"]))
    assert set(frames[0].batch_runs) == {4} and set(frames[1].batch_runs) == {2}  # cut for two workers
    for col in ("val_loss", "test_loss"):
        assert frames[0][col].tolist() == frames[1][col].tolist()


def test_workers_default_to_the_cores_this_process_may_use(monkeypatch):
    from mtl_core.cli import flags
    monkeypatch.setattr(flags.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert flags.default_workers() == 3


@pytest.mark.slow
@pytest.mark.parametrize("args, code, expect", [
    (["list"], 0, "architectures:"),
    (["train", "--epochs", "0", "--out", "{out}"], 2, "error: --epochs"),
    (["sweep", "--archs", "mmoe", "--seeds", "1", *TINY, "--out", "{out}"], 0, "task1"),
    (["funnel", "--models", "naive", "--seeds", "1", "--n-impressions", "2000", "--n-users", "50", "--n-items", "50",
      "--epochs", "1", "--out", "{out}"], 0, "cvr_auc_entire"),
    (["data", "fetch", "nosuch"], 2, "error: data fetch"),
])
def test_each_command_runs_as_python_dash_m(args, code, expect, tmp_path):
    res = cli_subprocess(*[a.replace("{out}", str(tmp_path / "o")) for a in args])
    assert res.returncode == code, res.stderr
    assert expect in res.stdout + res.stderr and "Traceback" not in res.stderr
