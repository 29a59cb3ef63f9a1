""""Show the code": the real source of a `mtl_core` class or function, read with `inspect`, with its
file path and line numbers, so a learner sees exactly what trains (not a paraphrase).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

import mtl_core

ROOT = Path(mtl_core.__file__).resolve().parents[1]


@dataclass(frozen=True)
class Source:
    name: str  # "mtl_core.models.mmoe.MMoE"
    path: str  # relative to the repository: "mtl_core/models/mmoe.py"
    first: int  # first line in the file (1-based)
    last: int
    text: str

    def numbered(self) -> str:
        """The source with its real line numbers in front."""
        width = len(str(self.last))
        return "\n".join(f"{n:>{width}}  {line}" for n, line in
                         zip(range(self.first, self.last + 1), self.text.rstrip("\n").split("\n")))


def source_of(obj) -> Source:
    """Source of a class or function of mtl_core (raises TypeError/OSError for anything else)."""
    module = getattr(obj, "__module__", "") or ""
    if not module.startswith("mtl_core"):
        raise TypeError(f"{obj!r} is not part of mtl_core")
    lines, first = inspect.getsourcelines(obj)
    file = Path(inspect.getsourcefile(obj)).resolve()
    try:
        path = file.relative_to(ROOT).as_posix()
    except ValueError:
        path = file.as_posix()
    return Source(f"{module}.{obj.__qualname__}", path, first, first + len(lines) - 1, "".join(lines))


def show_code(obj, *, title: str | None = None) -> None:
    """Draw the source of `obj` (st.code) under a caption naming its file and lines."""
    import streamlit as st

    from ..i18n import t

    try:
        src = source_of(obj)
    except (TypeError, OSError) as err:
        st.caption(t("code.unavailable", err=str(err)))
        return
    if title:
        st.markdown(f"**{title}**")
    st.caption(t("code.where", name=src.name, path=src.path, first=src.first, last=src.last))
    st.code(src.numbered(), language="python")
