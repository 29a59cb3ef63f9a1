"""Uploaded results.csv files: a budget checked before anything is parsed or plotted, one parse per file.

An upload is judged by its size first (`Budget.max_mb`), then its rows and columns are counted on the raw
bytes, then it is parsed once with `mtl_core.records.read_results` and checked: `schema_version` an exact
integer, the number columns numeric, the label columns (architecture, weighting, data, task, status)
plain ids, and no more distinct architectures, tasks... than a page can draw. Every refusal is one
sentence. The result is kept in the section's state under the upload's file id, so the reruns of the
page that follow (every click) do not parse the file again.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from mtl_core.records import SCHEMA_VERSION, RecordsError, read_results

NUMBER_COLUMNS = ("schema_version", "seed", "relatedness", "val_loss", "test_loss", "val_auc", "test_auc")
LABEL_COLUMNS = ("data", "arch", "weighting", "task", "status", "role", "relatedness_param")
_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


@dataclass(frozen=True)
class Budget:
    max_mb: float = 20.0  # file size
    max_rows: int = 200_000  # a 1,800-run sweep of the full preset has 3,600 rows
    max_columns: int = 200
    max_distinct: dict = field(default_factory=lambda: {"arch": 24, "weighting": 32, "data": 4, "task": 8,
                                                        "relatedness": 41})


BUDGET = Budget()


@dataclass
class Upload:
    frame: pd.DataFrame | None
    error: str = ""


def check_size(n_bytes: int, budget: Budget = BUDGET) -> str:
    if n_bytes > budget.max_mb * 2**20:
        return f"the file is {n_bytes / 2**20:,.1f} MB; this page reads files up to {budget.max_mb:g} MB"
    return ""


def check_shape(data: bytes, budget: Budget = BUDGET) -> str:
    """Rows and columns counted on the raw bytes (no parse): a sentence past the budget, else ""."""
    rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1  # minus the header
    if rows > budget.max_rows:
        return f"the file has {rows:,} rows; this page reads up to {budget.max_rows:,}"
    header = data.split(b"\n", 1)[0]
    columns = header.count(b",") + 1
    if columns > budget.max_columns:
        return f"the file has {columns:,} columns; this page reads up to {budget.max_columns:,}"
    return ""


def _first_bad(values: pd.Series, ok: pd.Series) -> str:
    bad = values[~ok]
    return f"{str(bad.iloc[0])[:40]!r} (row {int(bad.index[0]) + 2})"


def check_frame(df: pd.DataFrame, budget: Budget = BUDGET) -> tuple[pd.DataFrame | None, str]:
    """The checks a parsed results.csv must pass before any view draws it; (frame, "") or (None, sentence)."""
    if df.empty:
        return None, "the file has no rows"
    df = df.copy()
    for col in NUMBER_COLUMNS:
        if col not in df.columns:
            continue
        raw = df[col]
        num = pd.to_numeric(raw, errors="coerce")
        ok = num.notna() | raw.isna()
        if not ok.all():
            return None, f"column {col}: {_first_bad(raw, ok)} is not a number"
        df[col] = num
    version = df["schema_version"]
    whole = version.notna() & (version == version.round())
    if not whole.all() or set(version.astype(int)) != {SCHEMA_VERSION}:
        bad = version[~whole | (version != SCHEMA_VERSION)]
        return None, (f"column schema_version: {bad.iloc[0]:g} (row {int(bad.index[0]) + 2}) is not version "
                      f"{SCHEMA_VERSION}; re-run the study with this version of the CLI")
    for col in LABEL_COLUMNS:
        if col not in df.columns:
            continue
        text = df[col].astype(str)
        ok = text.map(lambda v: bool(_ID.fullmatch(v))) | df[col].isna()
        if not ok.all():
            return None, (f"column {col}: {_first_bad(text, ok)} is not an id (letters, digits, '_', '.', '-', "
                          f"at most 64)")
    for col, most in budget.max_distinct.items():
        if col in df.columns and df[col].nunique() > most:
            return None, f"column {col} has {df[col].nunique():,} distinct values; this page draws up to {most}"
    return df, ""


def parse_results(data: bytes, budget: Budget = BUDGET,
                  read: Callable[[Any], pd.DataFrame] = read_results) -> Upload:
    """Raw bytes of an uploaded results.csv -> Upload (a frame, or one sentence why not). Never raises."""
    error = check_size(len(data), budget) or check_shape(data, budget)
    if error:
        return Upload(None, error)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return Upload(None, "not a results.csv: the file is not UTF-8 text")
    try:
        df = read(io.BytesIO(data))
    except RecordsError as err:
        return Upload(None, str(err)[:300])
    except Exception as err:  # noqa: BLE001 - a user's file: a sentence, never a traceback
        return Upload(None, f"not a results.csv: {type(err).__name__}: {str(err)[:200]}")
    try:
        frame, error = check_frame(df, budget)
    except Exception as err:  # noqa: BLE001
        return Upload(None, f"not a results.csv: {type(err).__name__}: {str(err)[:200]}")
    return Upload(frame, error)


def read_once(upload, store: dict, budget: Budget = BUDGET) -> Upload:
    """An uploaded file (Streamlit's UploadedFile), parsed once: kept in `store` (the section's state)
    under its file id, so reruns reuse it; a file over the size budget is refused before it is read."""
    ident = (getattr(upload, "file_id", None) or getattr(upload, "name", ""), getattr(upload, "size", None))
    cached = store.get("upload")
    if cached is not None and cached[0] == ident:
        return cached[1]
    size = getattr(upload, "size", None)
    error = check_size(size, budget) if isinstance(size, int) else ""
    result = Upload(None, error) if error else parse_results(upload.getvalue(), budget)
    store["upload"] = (ident, result)
    return result


__all__ = ["Budget", "BUDGET", "Upload", "check_size", "check_shape", "check_frame", "parse_results", "read_once"]
