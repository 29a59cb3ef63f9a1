"""Downloads: results tables as CSV that a spreadsheet opens as data, never as formulas.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets (CSV injection); such text cells get a leading single quote, as OWASP
and spreadsheet-safe exporters do. Numbers are left numeric, including negative ones and text cells
that hold a number ("-0.5").
"""
from __future__ import annotations

import pandas as pd

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text  # " -1" with a leading tab or space is not a plain number


def neutralise(value):
    """One cell: a text that a spreadsheet would run as a formula, quoted; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS) and not _is_number(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells (and column names) cannot run as spreadsheet formulas."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def csv_text(df: pd.DataFrame) -> str:
    """`df` as CSV text for a download button (formula-safe; the index left out). Lines end with CRLF as
    RFC 4180 says, which also makes the writer quote a cell holding a lone carriage return."""
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n")


__all__ = ["FORMULA_LEADS", "neutralise", "safe_frame", "csv_text"]
