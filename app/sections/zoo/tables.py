"""Model-zoo tables built from the registries (architectures, weightings, datasets), in the page language.

Cells are Markdown (st.table renders it): the name links to the page that trains that entry (`links.py`),
in the page's language.
"""
from __future__ import annotations

import pandas as pd

from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.weighting import WEIGHTINGS

from ...i18n import entry_description, entry_name, translate
from ...ui.url import href
from .links import target


def _params(specs) -> str:
    return ", ".join(f"`{p.name}={p.format(p.default)}`" for p in specs) or "—"


def link(lang: str, section: str, entry_id: str) -> str:
    """The relative link that opens the page training this entry, in language `lang`."""
    page, keys = target(section, entry_id)
    return href(page, keys, lang)


def _name(lang: str, section: str, entry) -> str:
    return f"**[{entry_name(lang, section, entry)}]({link(lang, section, entry.id)})**"


def _row(lang: str, section: str, entry, paper: str, year: int | None = None, extra=None) -> dict:
    row = {translate(lang, "zoo.col.name"): _name(lang, section, entry), translate(lang, "zoo.col.id"): f"`{entry.id}`"}
    row.update(extra or {})
    row[translate(lang, "zoo.col.paper")] = paper or "—"
    if year is not None:
        row[translate(lang, "zoo.col.year")] = str(year) if year else "—"
    row[translate(lang, "zoo.col.description")] = entry_description(lang, section, entry)
    row[translate(lang, "zoo.col.params")] = _params(entry.params)
    return row


def arch_table(lang: str, counts: dict[str, int] | None = None) -> pd.DataFrame:
    """`counts`: trainable parameters per architecture at its default size (shown when given)."""
    col = translate(lang, "zoo.col.n_params")
    return pd.DataFrame([_row(lang, "model", a, a.paper, a.year,
                              {col: f"{counts[a.id]:,}" if counts.get(a.id) else "—"} if counts is not None else None)
                         for a in ARCHITECTURES.values()])


def weighting_table(lang: str) -> pd.DataFrame:
    kind = translate(lang, "zoo.col.kind")
    return pd.DataFrame([_row(lang, "weighting", w, w.paper, w.year, {kind: translate(
        lang, "zoo.kind.gradient" if w.gradient_based else "zoo.kind.loss")}) for w in WEIGHTINGS.values()])


def data_table(lang: str) -> pd.DataFrame:
    return pd.DataFrame([_row(lang, "data", d, d.reference) for d in DATASETS.values()])
