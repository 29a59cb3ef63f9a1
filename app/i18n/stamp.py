"""Keep a registry translation table in step with the registries' English.

    python -m app.i18n.stamp                  # what is missing, stale, not stamped or unknown (exit 1 if any)
    python -m app.i18n.stamp --write          # stamp every plain "key": "中文" line with its English's hash
    python -m app.i18n.stamp --accept KEY...  # re-stamp keys whose translation you have just updated

A table entry is `"key": ("中文", "1a2b3c4d")`: the translation and `stamp()` of the English it follows.
New entries may be written plain, `"key": "中文"`, anywhere in the dict (at its end is easiest); `--write`
turns them into stamped ones. When an English text changes, its entry turns stale: update the Chinese, then
`--accept` its key (or write the entry plain again and `--write`). Only the hashes are rewritten; comments,
order and line breaks stay as they are.

A table is a package, `app/i18n/<lang>/registry/`, with one module per registry kind (data.py, arch.py,
weighting.py, train.py), each holding its kind's names, descriptions, help texts and labels; the check names
the module a missing key belongs in and any entry that sits in another kind's module. (A single file,
`<lang>/registry.py`, is read as a table too.)
"""
from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

from .sources import Report, Source, check, sources, stamp

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
KIND_ORDER = ("train", "data", "weighting", "arch")  # a label that several kinds share lives with the first


def table_path(lang: str) -> Path:
    """A language's registry table: the package `<lang>/registry/`, or a single file `<lang>/registry.py`."""
    package = HERE / lang / "registry"
    return package if package.is_dir() else HERE / lang / "registry.py"


def table_files(path: Path) -> list[Path]:
    """The modules of a table package (its `__init__.py` only merges them), or the table file itself."""
    return sorted(p for p in path.glob("*.py") if p.name != "__init__.py") if path.is_dir() else [path]


@dataclass(frozen=True)
class Entry:
    key: str
    text: str
    hash: str | None  # None: a plain line, not stamped yet
    value: ast.expr  # the value's node: where to write
    path: Path  # the file it is in


def read_entries(path: Path) -> list[Entry]:
    """Every entry of a table (package or file), file by file in file order (duplicates included)."""
    return [e for file in table_files(path) for e in _file_entries(file)]


def _file_entries(path: Path) -> list[Entry]:
    """The `STRINGS = {...}` dict of one table file, entry by entry in file order."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    node = None
    for n in tree.body:
        targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "STRINGS" for t in targets):
            node = n.value
    if not isinstance(node, ast.Dict):
        raise ValueError(f"{path}: STRINGS must be a dict literal")
    out = []
    for k, v in zip(node.keys, node.values):
        where = f"{path.name}:{v.lineno}"
        if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
            raise ValueError(f"{where}: keys must be plain strings")
        if isinstance(v, ast.Constant) and isinstance(v.value, str):
            out.append(Entry(k.value, v.value, None, v, path))
        elif (isinstance(v, ast.Tuple) and len(v.elts) == 2
              and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in v.elts)):
            out.append(Entry(k.value, v.elts[0].value, v.elts[1].value, v, path))
        else:
            raise ValueError(f'{where}: {k.value}: expected "text" or ("text", "hash")')
    return out


def read_table(path: Path) -> dict[str, str | tuple[str, str]]:
    return {e.key: e.text if e.hash is None else (e.text, e.hash) for e in read_entries(path)}


def duplicates(entries: list[Entry]) -> list[str]:
    seen: set[str] = set()
    return [e.key for e in entries if e.key in seen or seen.add(e.key)]


# ---- which module a key belongs in ------------------------------------------------------------------------
def kinds_of(srcs: list[Source]) -> dict[str, set[str]]:
    """{key: the registry kinds whose text it translates} (a generic label may serve several)."""
    out: dict[str, set[str]] = {}
    for s in srcs:
        out.setdefault(s.key, set()).add(s.kind)
    return out


def home(path: Path, kinds: set[str]) -> Path:
    """The file an entry of these kinds belongs in: its kind's module of a table package, or the table file."""
    return path / f"{min(kinds, key=KIND_ORDER.index)}.py" if path.is_dir() else path


def misplaced(path: Path, entries: list[Entry], kinds: dict[str, set[str]]) -> list[tuple[Entry, Path]]:
    """(entry, where it belongs) for each entry of a table package that sits in no module of its kinds."""
    if not path.is_dir():
        return []
    return [(e, home(path, kinds[e.key])) for e in entries if e.key in kinds and e.path.stem not in kinds[e.key]]


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# ---- rewriting hashes in place -----------------------------------------------------------------------------
def _offset(lines: list[bytes], lineno: int, col: int) -> int:
    """Byte offset of (1-based line, byte column): ast positions count UTF-8 bytes."""
    return sum(len(line) for line in lines[:lineno - 1]) + col


def restamp(path: Path, keys: set[str] | None, hashes: dict[str, str]) -> list[str]:
    """Write `hashes[key]` into the entries of `keys` (None: every plain entry) of a table package or file;
    returns the keys written."""
    return [key for file in table_files(path) for key in _restamp_file(file, keys, hashes)]


def _restamp_file(path: Path, keys: set[str] | None, hashes: dict[str, str]) -> list[str]:
    raw = path.read_bytes()
    lines = raw.splitlines(keepends=True)
    edits, done = [], []
    for e in _file_entries(path):
        if e.key not in hashes or (keys is None and e.hash is not None) or (keys is not None and e.key not in keys):
            continue
        node = e.value if e.hash is None else e.value.elts[1]
        start = _offset(lines, node.lineno, node.col_offset)
        end = _offset(lines, node.end_lineno, node.end_col_offset)
        new = f'"{hashes[e.key]}"'.encode()
        if e.hash is None:  # plain "text" -> ("text", "hash"); continuation lines move right with the "("
            new = b"(" + raw[start:end].replace(b"\n", b"\n ") + b", " + new + b")"
        edits.append((start, end, new))
        done.append(e.key)
    for start, end, new in sorted(edits, reverse=True):
        raw = raw[:start] + new + raw[end:]
    if edits:
        path.write_bytes(raw)
    return done


# ---- the report --------------------------------------------------------------------------------------------
def describe(report: Report, dups: list[str] = (), moves: list[tuple[Entry, Path]] = (),
             homes: dict[str, Path] | None = None) -> str:
    """The report as text a translator can act on: each key, its English, the line to paste and where."""
    out = []
    for s in report.missing:
        where = f" to {_shown(homes[s.key])}" if homes and s.key in homes else ""
        out.append(f'missing   {s.key}  ({s.where})\n    English: {s.english}\n'
                   f'    add{where}: "{s.key}": ("…", "{stamp(s.english)}"),')
    for s in report.untranslated:
        out.append(f"untranslated {s.key}: the entry is the English itself ({s.english!r})")
    for s, old in report.stale:
        out.append(f'stale     {s.key}  ({s.where}; recorded {old})\n    English now: {s.english}\n'
                   f'    update the translation, then write its hash "{stamp(s.english)}" '
                   f'(python -m app.i18n.stamp --accept {s.key})')
    for s in report.unstamped:
        out.append(f'unstamped {s.key}: hash "{stamp(s.english)}" (python -m app.i18n.stamp --write)')
    for key in report.unknown:
        out.append(f"unknown   {key}: no registry text has this key (renamed or removed? delete the line)")
    for key, group in report.conflicts.items():
        labels = "; ".join(f"{s.where} = {s.english!r}" for s in group)
        out.append(f"conflict  {key} would translate several English labels ({labels}): give each its own "
                   f"section-specific key, p.<section>.<param>")
    for key in dups:
        out.append(f"duplicate {key}: appears twice in the table (the last one wins); keep one")
    for e, path in moves:
        out.append(f"misplaced {e.key}: in {_shown(e.path)}:{e.value.lineno}, belongs in {_shown(path)} "
                   f"(the module of its kind); move the line")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m app.i18n.stamp", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", default="zh", help="the table to check: app/i18n/<lang>/registry/")
    ap.add_argument("--write", action="store_true", help="stamp every plain (unstamped) entry")
    ap.add_argument("--accept", nargs="+", metavar="KEY", default=[],
                    help="re-stamp these keys: their translation now follows the current English")
    args = ap.parse_args(argv)
    path = table_path(args.lang)
    if not path.exists():
        print(f"no table at {path}", file=sys.stderr)
        return 2
    current = {s.key: stamp(s.english) for s in sources(read_table(path).keys())}
    unknown = [k for k in args.accept if k not in current]
    if unknown:
        print(f"--accept: no registry text has {', '.join(unknown)}", file=sys.stderr)
        return 2
    if args.write:
        print(f"stamped {len(restamp(path, None, current))} plain entries")
    if args.accept:
        print(f"re-stamped {len(restamp(path, set(args.accept), current))} entries")
    entries, table = read_entries(path), read_table(path)
    kinds = kinds_of(sources(table.keys()))
    report, dups, moves = check(table), duplicates(entries), misplaced(path, entries, kinds)
    if report or dups or moves:
        print(describe(report, dups, moves, {key: home(path, k) for key, k in kinds.items()}))
        return 1
    print(f"{_shown(path)}: {len(entries)} entries, all translated and stamped"
          + (" and each in the module of its kind" if path.is_dir() else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
