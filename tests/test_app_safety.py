"""What keeps a hostile but legal visitor's input inert, checked function by function: the one escaping
helper (Markdown and HTML), formula-safe CSV downloads, the upload budget and its one-line refusals, the
link-key reader of the section toolkit and the admission gate's batch fitting. The pages themselves are
probed in tests/test_app_hostile.py."""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app import server
from app.ui import run as gate
from app.ui.export import csv_text, neutralise, safe_frame
from app.ui.fields import read_keys, spec_field
from app.ui.text import escape_md
from app.ui.upload import BUDGET, Budget, parse_results, read_once
from mtl_core.config import from_flat
from mtl_core.params import Param
from mtl_core.seeds import count_runs

ROOT = Path(__file__).resolve().parents[1]


# ---- escaping ----------------------------------------------------------------------------------------------------
def live_markup(text: str) -> list[str]:
    """Markdown/HTML constructs that would render as more than text: an independent reading of CommonMark
    (a character is live unless an odd number of backslashes precedes it)."""
    def live(i: int) -> bool:
        n = 0
        while i - n - 1 >= 0 and text[i - n - 1] == "\\":
            n += 1
        return n % 2 == 0
    found = []
    for m in re.finditer(r"\[", text):
        close = text.find("](", m.start())
        if live(m.start()) and close > 0 and live(close):
            found.append("link")
    for m in re.finditer(r"<[A-Za-z/!]", text):
        if live(m.start()):
            found.append("html")
    for m in re.finditer(r"://|www\.", text):
        if live(m.start() + (0 if m.group().startswith(":") else 3)):
            found.append("autolink")
    for m in re.finditer(r":[a-z]+\[|:material/", text):
        if live(m.start()) and live(m.end() - 1 if m.group().endswith("[") else m.start()):
            found.append("directive")
    if "\n" in text:
        found.append("line break")
    return found


HOSTILE = ["[Sign in](https://evil.example/)", "![](http://127.0.0.1:8799/p1.png)", "<img src=x onerror=alert(1)>",
           "<script>alert(1)</script>", "https://evil.example/x", "www.evil.example", ":red[alert] :material/home:",
           "a\n# heading\n- item", "\\[x](y)", "&lt;b&gt;", "`code` *bold* _em_ ~~s~~ $x$ | a | b |", "x@evil.example"]


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_text_has_no_live_markup(value):
    assert live_markup(escape_md(value)) == []


def test_the_markup_checker_sees_raw_markup():
    for value in HOSTILE[:8]:
        assert live_markup(value), value


def test_escaping_keeps_identifiers_readable_and_drops_only_backslashes_when_rendered():
    for text in ("data.n_train", "exp.seeds", "0-19", "funnel.base_cvr", "MTL_MAX_DATA_MB", "a, b / c 'd'"):
        assert escape_md(text) == text
    for value in HOSTILE:
        rendered = re.sub(r"\\(.)", r"\1", escape_md(value))  # CommonMark: a backslash escape shows the character
        assert rendered == re.sub(r"[\n]+", " ", value)


# ---- CSV downloads -----------------------------------------------------------------------------------------------
def test_formula_cells_are_quoted_and_numbers_stay_numbers():
    df = pd.DataFrame({"arch": ["=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@x", "\tTAB", "\rCR", "mmoe", "-0.5"],
                       "loss": [-1.5, 2.0, -3.0, 0.0, 1.0, 2.0, 3.0, 4.0], "=head": range(8)})
    out = pd.read_csv(io.StringIO(csv_text(df)), keep_default_na=False)
    assert list(out.columns) == ["arch", "loss", "'=head"]
    arch = list(out["arch"].astype(str))
    assert arch[:6] == ["'=cmd|' /C calc'!A0", "'+SUM(1)", "'-2+3", "'@x", "'\tTAB", "'\rCR"]
    assert arch[6:] == ["mmoe", "-0.5"]  # a text cell holding a number is a number, not a formula
    assert out["loss"].tolist() == df["loss"].tolist()  # numeric columns untouched (negatives included)
    assert neutralise(-3) == -3 and neutralise(None) is None
    assert safe_frame(df) is not df and df["arch"].iloc[0].startswith("=")  # the caller's frame is left alone


def test_every_download_in_the_app_goes_through_the_one_csv_function():
    """No page writes CSV itself: `.to_csv(` appears only in the export module (and the offline collector
    of the balancing lab's measured table, which writes a file, not a download)."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "app").rglob("*.py")
                 if ".to_csv(" in p.read_text(encoding="utf-8")
                 and p.name not in ("export.py",) and p.as_posix().find("balance/measured.py") < 0]
    assert offenders == []


# ---- uploads -----------------------------------------------------------------------------------------------------
def results(n_tasks: int = 2, archs=("shared_bottom", "mmoe"), **columns) -> pd.DataFrame:
    rows = [dict(schema_version=2, data="synthetic", arch=a, weighting="ew", seed=s, relatedness_param="rho",
                 relatedness=r, task=f"task{k}", task_kind="regression", val_loss=0.1 + 0.01 * s, status="ok")
            for a in archs for r in (0.5, 1.0) for s in range(3) for k in range(n_tasks)]
    return pd.DataFrame(rows).assign(**columns)


def as_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode()


def test_a_valid_results_csv_parses_with_numbers_as_numbers():
    up = parse_results(as_bytes(results()))
    assert up.error == "" and len(up.frame) == 2 * 2 * 3 * 2
    assert pd.api.types.is_float_dtype(up.frame["val_loss"])


@pytest.mark.parametrize("data,words", [
    (as_bytes(results(n_tasks=14)), ["column task", "14", "up to 8"]),
    (as_bytes(results(val_loss="abc")), ["column val_loss", "'abc'", "not a number"]),
    (as_bytes(results(schema_version=2.5)), ["schema_version", "2.5", "not version 2"]),
    (as_bytes(results(schema_version=3)), ["schema version 3"]),
    (as_bytes(results(n_tasks=1, archs=[f"arch{i}" for i in range(6000)]).query("seed == 0 and relatedness == 1")),
     ["column arch", "6,000", "up to 24"]),
    (as_bytes(results(archs=["=cmd|' /C calc'!A0"])), ["column arch", "not an id"]),
    (as_bytes(results(archs=["[x](https://evil.example)"])), ["column arch", "not an id"]),
    (b"\xff\xfe\x00garbage\x00\x81" * 50, ["not UTF-8"]),
    (b"a,b\n1,2\n", ["schema_version"]),
    (b"", ["results.csv"]),
    (b"\n" * (BUDGET.max_rows + 5), ["rows", f"{BUDGET.max_rows:,}"]),
    (b",".join([b"c"] * 500) + b"\n", ["500 columns"]),
], ids=["14 tasks", "text val_loss", "version 2.5", "version 3", "6000 archs", "formula arch", "markdown arch",
        "garbage bytes", "wrong schema", "empty", "too many rows", "too many columns"])
def test_every_malformed_upload_answers_with_one_line(data, words):
    up = parse_results(data)
    assert up.frame is None and "\n" not in up.error and len(up.error) < 400, up.error
    for word in words:
        assert word in up.error, (word, up.error)


class FakeUpload:
    def __init__(self, data: bytes, size: int | None = None, file_id: str = "f1"):
        self.data, self.size, self.file_id, self.name, self.reads = data, len(data) if size is None else size, \
            file_id, "results.csv", 0

    def getvalue(self) -> bytes:
        self.reads += 1
        return self.data


def test_an_upload_is_parsed_once_and_a_big_one_is_refused_by_its_size_before_reading():
    store: dict = {}
    up = FakeUpload(as_bytes(results()))
    first = read_once(up, store)
    assert read_once(up, store) is first and up.reads == 1  # the reruns that follow reuse it
    other = FakeUpload(as_bytes(results(val_loss="x")), file_id="f2")
    assert read_once(other, store).frame is None and other.reads == 1  # a new file is read
    huge = FakeUpload(b"", size=int(BUDGET.max_mb * 2**20) + 1, file_id="f3")
    refused = read_once(huge, store)
    assert huge.reads == 0 and "MB" in refused.error and refused.frame is None
    small = Budget(max_mb=0.001)
    assert "MB" in parse_results(as_bytes(results()), small).error


# ---- the toolkit's link reader and the gate -------------------------------------------------------------------------
def test_read_keys_names_unknown_keys_and_bad_values_and_keeps_the_memory():
    fields = {"epochs": spec_field(Param("epochs", 5, "epochs", low=1, high=100)),
              "lr": spec_field(Param("lr", 0.01, "lr", low=1e-5, high=1.0))}
    mem = {"w:epochs": 5, "w:lr": 0.01}  # typed: each link value is parsed once, into the memory
    warnings = read_keys({"x.epochs": "7", "x.lr": "[a](b)", "x.nope": "1", "other": "2", "preset": "p"}, "x.",
                         fields, mem, what="the test page")
    assert mem == {"w:epochs": 7, "w:lr": 0.01} and type(mem["w:epochs"]) is int
    text = "\n".join(warnings)
    assert "'x.nope'" in text and "'other'" in text and "x.lr" in text and "using 0.01 instead" in text
    assert "preset" not in text and len(warnings) == 3


def test_count_runs_is_seeds_times_every_axis():
    assert count_runs(range(5)) == 5 and count_runs([0, 1], {"a": [1, 2, 3], "b": "xy"}) == 12
    assert count_runs([], {"a": [1]}) == 0


def test_the_gate_fits_a_study_batch_under_the_data_cap_and_refuses_only_past_the_caps(monkeypatch):
    cfg = from_flat({"data.n_train": 10_000})
    monkeypatch.setattr(server, "CLASSROOM", False)
    assert gate.fit_batch(cfg, 256) == 256 and gate.admission(gate.Cost(((cfg, 1_000),), 256)) == []
    # an open server has caps too, generous ones: one link must not take it down
    assert any("MTL_OPEN_MAX_STUDY_RUNS" in m for m in gate.admission(gate.Cost(((cfg, 10_000),), 256)))
    monkeypatch.setattr(server, "CLASSROOM", True)
    lim = server.LIMITS
    batch = gate.fit_batch(cfg, 256)
    assert 1 <= batch < 256
    assert server.data_mb("synthetic", dict(cfg.data.params), runs=batch) <= lim.max_study_data_mb
    assert server.data_mb("synthetic", dict(cfg.data.params), runs=batch + 1) > lim.max_study_data_mb
    assert gate.admission(gate.Cost(((cfg, 20),), batch)) == []
    too_many = gate.admission(gate.Cost(((cfg, lim.max_study_runs + 1),), batch))
    assert any("MTL_MAX_STUDY_RUNS" in m for m in too_many)
    big = from_flat({"data.n_train": 1_000_000, "train.epochs": 1000})
    msgs = gate.admission(gate.Cost(((big, 1),), 1))
    assert any("MTL_MAX_DATA_MB" in m for m in msgs) and any("MTL_MAX_SAMPLE_PASSES" in m for m in msgs)
    assert np.isfinite(len(msgs))
