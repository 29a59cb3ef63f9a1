"""A sweep's output folder: checked before training, locked while a sweep writes it, never half-written.

    OUT/results.csv        the table: replaced atomically (a temporary file, then os.replace), so a reader
                           sees the previous complete table or the next one, never a partial row
    OUT/.results.journal   each finished batch's rows, appended and fsynced the moment it finishes (one JSON
                           line a batch); folded into results.csv and emptied. A kill mid-append leaves a torn
                           last line, which is ignored: at most the batches still training are lost
    OUT/failures.csv       runs whose batch kept failing, with the reason (absent when none failed)
    OUT/.sweep.lock        held with flock while a sweep writes the folder and naming its pid; the kernel
                           releases it when that process dies, so a stale file is simply taken over

Rows are kept as the CSV text of their cells, so rows read back from a previous session are written out
exactly as they were; a row is identified by its `run_key` (`mtl_core.study.jobs.run_key`).
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from ..records import OPTIONAL_RESULT_COLUMNS, RESULT_COLUMNS

RESULTS, JOURNAL, FAILURES, LOCK = "results.csv", ".results.journal", "failures.csv", ".sweep.lock"
DERIVED = ("single_task_metric", "mtl_gain", "mtl_gain_pct")  # recomputed over the whole table at the end
FAILURE_COLUMNS = ("run_key", "role", "data", "arch", "weighting", "seed", "attempts", "error")


class OutError(ValueError):
    """The output folder cannot be used; the message is one line naming it and what to do."""


def prepare_out(path: str | os.PathLike, flag: str = "--out") -> Path:
    """Create the folder if needed and prove it writable (a file created and removed), before training."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise OutError(f"{flag} {out} is a file; expected a folder (it is created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as err:
        raise OutError(f"{flag} {out} is not writable ({err.strerror or err}); choose another folder") from None
    return out


class SweepLock:
    """An exclusive lock on an output folder for one sweep (`with SweepLock(out): ...`)."""

    def __init__(self, out: Path):
        self.path, self.fd = Path(out) / LOCK, None

    def __enter__(self) -> "SweepLock":
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise OutError(f"--out {self.path.parent} is in use by another sweep (pid {holder}); wait for it "
                           "to finish or choose another --out") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the flock; the file stays (harmless, taken over next time)
            self.fd = None


def cell(value) -> str:
    """A value as pandas writes it in a CSV: floats in full precision, NaN and None empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        f = float(value)
        return "" if math.isnan(f) else repr(f)
    if type(value).__name__.startswith(("int", "uint")):
        return str(int(value))
    return str(value)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file (mkstemp's files are private)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _MODE)
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ResultsStore:
    """The rows of a sweep's folder: those already there, and each batch's as it finishes."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.rows: dict[str, list[dict[str, str]]] = {}  # run_key -> its rows (one per task), as cell text
        self.rank: dict[str, int] = {}  # run_key -> position in the plan (set_order)
        self._journal_fd: int | None = None
        self._last_flush, self._flush_cost = 0.0, 0.0

    # -- reading what is there ------------------------------------------------------------------------
    def load(self) -> set[str]:
        """Read results.csv and the journal; returns the keys of the runs done."""
        path = self.out / RESULTS
        if path.is_file():
            with open(path, newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                fields = reader.fieldnames or []
                rows = list(reader)
            if rows and ("schema_version" not in fields or "run_key" not in fields):
                raise OutError(f"{path} has no run_key column (it was written by an older version or another "
                               "program), so its runs cannot be matched: move it away or choose another --out")
            self._add_text(rows)
        jpath = self.out / JOURNAL
        if jpath.is_file():
            for line in jpath.read_text(encoding="utf-8").splitlines():
                try:
                    self._add_text(json.loads(line)["rows"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line torn by a kill mid-append: its batch trains again
        return set(self.rows)

    def _add_text(self, rows: Iterable[Mapping[str, str]]) -> None:
        fresh: dict[str, list] = {}
        for row in rows:
            row = {k: v for k, v in row.items() if k not in DERIVED and k is not None}
            fresh.setdefault(row["run_key"], []).append(row)
        self.rows.update(fresh)  # a run read twice (journal and table) keeps one copy

    def set_order(self, keys: Sequence[str]) -> None:
        """The plan's run order: results.csv lists these runs in it, other runs (another study's) after."""
        self.rank = {k: i for i, k in enumerate(keys)}

    # -- writing ----------------------------------------------------------------------------------------
    def add(self, rows: Sequence[dict]) -> None:
        """A finished batch's rows: durable in the journal now, in results.csv at the next flush."""
        text = [{k: cell(v) for k, v in row.items()} for row in rows]
        self._add_text(text)  # first: a stop between the two steps still finds the rows in memory
        if self._journal_fd is None:
            self._journal_fd = os.open(self.out / JOURNAL, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.write(self._journal_fd, (json.dumps({"rows": text}) + "\n").encode())
        os.fsync(self._journal_fd)
        # rewriting the whole table costs O(rows): keep it under a fifth of the time between batches
        if time.perf_counter() - self._last_flush >= 4 * self._flush_cost:
            self.flush()

    def ordered(self, keys: Iterable[str] | None = None) -> list[dict[str, str]]:
        ks = list(self.rows) if keys is None else [k for k in keys if k in self.rows]
        n, seen = len(self.rank), {k: i for i, k in enumerate(self.rows)}
        ks.sort(key=lambda k: (self.rank.get(k, n), 0 if k in self.rank else seen[k]))
        return [row for k in ks for row in self.rows[k]]

    def csv_text(self, rows: Sequence[Mapping[str, str]]) -> str:
        # axis columns in the order their first value appears in plan order, then any never filled
        standard = (*RESULT_COLUMNS, *OPTIONAL_RESULT_COLUMNS)
        extra: dict[str, None] = {}
        for row in rows:
            extra.update((c, None) for c, v in row.items() if v != "" and c not in standard and c not in extra)
        for row in rows:
            extra.update((c, None) for c in row if c not in standard and c not in extra)
        present = {c for row in rows for c in row}
        columns = [c for c in (*RESULT_COLUMNS, *OPTIONAL_RESULT_COLUMNS) if c in present] + list(extra)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()

    def flush(self, rows: Sequence[Mapping[str, str]] | None = None) -> None:
        """Replace results.csv with every row known (atomically), then empty the journal."""
        t0 = time.perf_counter()
        _write_atomic(self.out / RESULTS, self.csv_text(self.ordered() if rows is None else rows))
        if self._journal_fd is not None:
            os.ftruncate(self._journal_fd, 0)
        else:
            (self.out / JOURNAL).unlink(missing_ok=True)
        self._last_flush, self._flush_cost = time.perf_counter(), time.perf_counter() - t0

    def finish(self, plan_keys: Sequence[str]) -> pd.DataFrame:
        """The final table: MTL gains added over every row when single-task baselines are among them; written,
        and returned (typed) for this plan's runs only."""
        rows = self.ordered()
        if not rows:  # nothing finished, nothing was there: no table to write
            self.close()
            return pd.DataFrame()
        typed = typed_frame(self.csv_text(rows))
        if "role" in typed and (typed["role"] == "single_task").any():
            from ..experiments.balance import add_mtl_gain

            gained = add_mtl_gain(typed)
            rows = [dict(row, **{c: cell(gained[c].iat[i]) for c in DERIVED}) for i, row in enumerate(rows)]
            typed = typed_frame(self.csv_text(rows))
        self.flush(rows)
        self.close()
        return typed[typed["run_key"].isin(set(plan_keys))].reset_index(drop=True)

    def write_failures(self, failures: Sequence[Mapping]) -> None:
        path = self.out / FAILURES
        if not failures:
            path.unlink(missing_ok=True)
            return
        buf = io.StringIO()
        writer = csv.DictWriter(buf, FAILURE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: cell(f.get(k)) for k in FAILURE_COLUMNS} for f in failures)
        _write_atomic(path, buf.getvalue())

    def close(self) -> None:
        """Close the journal, removing it when everything in it is in results.csv."""
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        path = self.out / JOURNAL
        if path.is_file() and path.stat().st_size == 0:
            path.unlink()


def typed_frame(text: str) -> pd.DataFrame:
    """CSV text -> a DataFrame, floats parsed exactly (what `read_results` gives, without its checks)."""
    df = pd.read_csv(io.StringIO(text), float_precision="round_trip")
    if "collapsed" in df:
        df["collapsed"] = df["collapsed"].astype(str).str.lower().isin(("true", "1"))
    return df
