"""Every bad flag or file given to the command line exits 2 with one line naming the flag, never a traceback;
nothing is read, allocated or trained beyond what it takes to refuse."""
import json
import resource
import time

import pytest

from mtl_core.__main__ import main
from mtl_core.cli.flags import CONFIG_MAX_BYTES

TINY = ["--n-samples", "400", "--set", "data.n_val=200", "--set", "data.n_test=200", "--epochs", "1"]


def refused(capsys, args, flag):
    """main(args) exits 2 with exactly one line, which names `flag`; the line."""
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and flag in lines[0], err
    return lines[0]


BAD_CONFIGS = dict([
    ("deep", "[" * 100_000 + "]" * 100_000),
    ("deep_in_a_section", '{"model": {"n_experts": ' + "[" * 50_000 + "]" * 50_000 + "}}"),
    ("long_int", '{"model": {"id": "mmoe", "n_experts": ' + "9" * 400 + "}}"),
    ("longer_int", '{"train": {"epochs": ' + "9" * 5000 + "}}"),
    ("null_section", '{"data": null}'),
    ("list_section", '{"train": [1, 2]}'),
    ("list_id", '{"model": {"id": ["mmoe"]}}'),
    ("not_an_object", "[1, 2, 3]"),
    ("not_json", "data: synthetic"),
    ("out_of_range", '{"model": {"id": "mmoe", "n_experts": 0}}'),
    ("unknown_section", '{"optimizer": {}}'),
    ("nan", '{"train": {"lr": NaN}}'),
])


@pytest.mark.parametrize("name", BAD_CONFIGS)
def test_a_bad_config_file_is_one_line(name, tmp_path, capsys):
    content = BAD_CONFIGS[name]
    path = tmp_path / f"{name}.json"
    path.write_text(content)
    line = refused(capsys, ["train", "--config", str(path), "--out", str(tmp_path / "o")], "--config")
    assert len(line) < 400
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("path, why", [("/nonexistent/c.json", "readable"), (".", "readable")])
def test_an_unreadable_config_is_one_line(path, why, tmp_path, capsys):
    assert why in refused(capsys, ["train", "--config", path, "--out", str(tmp_path)], "--config")


def test_a_config_that_is_not_utf8_is_one_line(tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_bytes(b'{"data": {"id": "\xff"}}')
    assert "UTF-8" in refused(capsys, ["train", "--config", str(path), "--out", str(tmp_path)], "--config")


def warm(capsys, tmp_path):
    """One refused command first, so the memory measured after it is the command's, not the imports'."""
    refused(capsys, ["train", "--epochs", "0", "--out", str(tmp_path)], "--epochs")


def test_an_endless_config_is_refused_after_a_bounded_read(tmp_path, capsys):
    warm(capsys, tmp_path)
    t0 = time.perf_counter()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line = refused(capsys, ["train", "--config", "/dev/zero", "--out", str(tmp_path)], "--config")
    assert "at most 1 MB" in line and time.perf_counter() - t0 < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0 < 50_000  # KB: no 3.5 GB read
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"data": {"id": "synthetic"}, "pad": "x" * CONFIG_MAX_BYTES}))
    assert "at most" in refused(capsys, ["train", "--config", str(big), "--out", str(tmp_path)], "--config")


def test_a_config_with_a_byte_order_mark_is_accepted(tmp_path, capsys):
    from mtl_core.config import from_flat
    cfg = from_flat({"model": "mmoe", "model.n_experts": 3, "data.rho": 0.3})
    path = tmp_path / "bom.json"
    path.write_text(cfg.to_json(), encoding="utf-8-sig")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert main(["train", "--config", str(path), *TINY, "--out", str(tmp_path / "o")]) == 0, capsys.readouterr().err
    saved = json.loads((tmp_path / "o" / "summary.json").read_text())["config"]
    assert saved["model"]["n_experts"] == 3 and saved["data"]["rho"] == 0.3


def test_flags_override_a_config_file(tmp_path, capsys):
    from mtl_core.config import from_flat
    path = tmp_path / "c.json"
    path.write_text(from_flat({"model": "mmoe", "model.n_experts": 3}).to_json())
    assert main(["train", "--config", str(path), "--set", "n_experts=5", *TINY, "--out", str(tmp_path / "o")]) == 0
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["config"]["model"]["n_experts"] == 5


@pytest.mark.parametrize("args, flag", [
    (["sweep", "--max-batch", "-5"], "--max-batch"),
    (["sweep", "--max-batch", "0"], "--max-batch"),
    (["sweep", "--max-batch", "1e3"], "--max-batch"),
    (["sweep", "--max-batch", "9" * 30], "--max-batch"),
    (["sweep", "--archs", ","], "--archs"),
    (["sweep", "--archs", ""], "--archs"),
    (["sweep", "--weightings", " , "], "--weightings"),
    (["sweep", "--workers", "0"], "--workers"),
    (["sweep", "--threads", "-1"], "--threads"),
    (["sweep", "--first-seed", "-1"], "--first-seed"),
    (["sweep", "--seeds", "2147483640-2147483647", "--first-seed", "5"], "--first-seed"),
    (["funnel", "--models", ","], "--models"),
    (["funnel", "--threads", "0"], "--threads"),
])
def test_bad_counts_and_lists_name_the_flag(args, flag, tmp_path, capsys):
    refused(capsys, [*args, "--out", str(tmp_path / "o")], flag)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("seeds", ["0-100000000", "0-" + "9" * 30, "9" * 20, "99999999999999999999-3", "-5", "0-x"])
def test_bad_seeds_are_refused_before_anything_is_built(seeds, tmp_path, capsys):
    warm(capsys, tmp_path)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line = refused(capsys, ["sweep", "--seeds", seeds, "--out", str(tmp_path)], "--seeds")
    assert "at most 10000 seeds" in line
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0 < 50_000  # KB


def test_an_out_folder_that_cannot_be_made_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    refused(capsys, ["train", *TINY, "--out", str(blocker / "sub")], "--out")
