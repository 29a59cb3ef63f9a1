"""Lesson files -> Lesson objects (pure: no streamlit, so tests and tools read lessons the way the page does).

A lesson is `lessons/<lang>/NN-slug.md`: TOML front matter between `+++` lines, then Markdown with a few
directives, each on a line of its own starting with `::: `:

    ::: figure shared_bottom.svg | caption         a diagram from assets/lessons/ (shared_bottom.<lang>.svg
                                                     when there is one in the page's language)
    ::: code mtl_core.models.mmoe.MMoE               "show the code": the object's real source (inspect)
    ::: run PRESET_ID                                a "Run it" button: opens the preset's page with it loaded
    ::: widget ranking                               an interactive piece drawn by the page (WIDGETS)
    ::: predict QUESTION_ID [PRESET_ID]              predict, then run: the question (from the front matter),
    ...what happened in our run and why...           and, once the learner has committed, this text and
    :::                                              the preset's "Run it" button
    ::: details TITLE                                an expander (closed) holding the detailed numbers; at the
    ...the detailed numbers...                       top level or inside a predict block (a result opens with
    :::                                              one sentence and a small table, the rest goes in here)

`[[term]]` (or `[[term|shown text]]`) in the text names a glossary entry (`lessons/glossary.<lang>.toml`).

Front matter:

    title = "..."          summary = "..."        minutes = 10
    presets = ["gates_unrelated", ...]            every preset the lesson runs
    glossary = ["expert", "gate"]                 terms explained at the end of the lesson
    [[questions]]                                 multiple choice: choices + answer (0-based index)
    id = "q1"  prompt = "..."  choices = ["...", "..."]  answer = 1
    [[questions]]                                 slider: min, max, step, answer = [low, high]
    id = "q2"  kind = "slider"  prompt = "..."  min = 0.0  max = 1.0  step = 0.05  answer = [0.2, 0.4]
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
LESSONS_DIR = ROOT / "lessons"
ASSETS_DIR = ROOT / "assets" / "lessons"
LANGS = ("en", "zh")
WIDGETS = ("ranking", "wce", "fusion_feed")
FILE_RE = re.compile(r"^(\d\d)-([a-z0-9-]+)\.md$")
TERM_RE = re.compile(r"\[\[([a-z0-9_-]+)(?:\|([^\]]+))?\]\]")
DIRECTIVE_RE = re.compile(r"^:::\s*(\w+)?\s*(.*)$")


class LessonError(ValueError):
    """A lesson file that does not follow the format (the message names the file and what is wrong)."""


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    kind: str = "choice"  # "choice" | "slider"
    choices: tuple[str, ...] = ()
    answer: Any = None  # choice: index; slider: (low, high)
    min: float = 0.0
    max: float = 1.0
    step: float = 0.01

    def is_correct(self, value) -> bool:
        if value is None:
            return False
        if self.kind == "slider":
            low, high = self.answer
            return low - 1e-9 <= float(value) <= high + 1e-9
        return int(value) == int(self.answer)

    @property
    def key(self) -> tuple:
        """What must agree between languages: id, kind, number of choices and the answer."""
        return (self.id, self.kind, len(self.choices), self.answer, self.min, self.max, self.step)


@dataclass(frozen=True)
class Block:
    kind: str  # "text" | "figure" | "code" | "run" | "widget" | "predict" | "details"
    text: str = ""  # markdown (text, details; predict: the reveal's opening), caption (figure)
    arg: str = ""  # file, dotted path, preset id, widget name, question id
    preset: str | None = None  # predict: the preset its "Run it" opens
    title: str = ""  # details: the expander's label
    parts: tuple["Block", ...] = ()  # predict: the reveal in order, text and details blocks

    @property
    def signature(self) -> tuple:
        """The structure that must agree between languages (text aside)."""
        return (self.kind, self.arg, self.preset, tuple(p.signature for p in self.parts))

    @property
    def all_text(self) -> str:
        """Every word of the block, its reveal's details included."""
        return "\n\n".join([self.text, *(p.text for p in self.parts if p.kind == "details")]).strip()


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str
    lang: str
    title: str
    summary: str
    minutes: int
    presets: tuple[str, ...]
    glossary: tuple[str, ...]
    questions: tuple[Question, ...]
    blocks: tuple[Block, ...]
    path: Path = field(compare=False, default=Path())

    @property
    def id(self) -> str:
        return f"{self.number:02d}-{self.slug}"

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def code_objects(self) -> list[str]:
        return [b.arg for b in self.blocks if b.kind == "code"]

    def run_presets(self) -> list[str]:
        """Every preset a "Run it" button of the lesson opens."""
        out = [b.arg for b in self.blocks if b.kind == "run"]
        out += [b.preset for b in self.blocks if b.kind == "predict" and b.preset]
        return out

    def terms_used(self) -> set[str]:
        return {m.group(1) for b in self.blocks for m in TERM_RE.finditer(b.all_text + " " + b.title)}


def split_front_matter(text: str, where: str = "") -> tuple[dict, str]:
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "+++":
        raise LessonError(f"{where}: must start with a '+++' line (TOML front matter)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise LessonError(f"{where}: front matter is not closed by a '+++' line") from None
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as err:
        raise LessonError(f"{where}: front matter is not valid TOML ({err})") from None
    return meta, "\n".join(lines[end + 1:])


def _question(raw: dict, where: str) -> Question:
    for key in ("id", "prompt", "answer"):
        if key not in raw:
            raise LessonError(f"{where}: a question lacks '{key}'")
    kind = raw.get("kind", "choice")
    if kind == "choice":
        choices = tuple(str(c) for c in raw.get("choices", ()))
        answer = raw["answer"]
        if len(choices) < 2 or not isinstance(answer, int) or not 0 <= answer < len(choices):
            raise LessonError(f"{where}: question {raw['id']}: needs ≥ 2 choices and an answer index into them")
        return Question(raw["id"], raw["prompt"], kind, choices, answer)
    if kind == "slider":
        lo, hi, step = float(raw.get("min", 0.0)), float(raw.get("max", 1.0)), float(raw.get("step", 0.01))
        answer = raw["answer"]
        if not (isinstance(answer, list) and len(answer) == 2 and lo <= answer[0] <= answer[1] <= hi and step > 0):
            raise LessonError(f"{where}: question {raw['id']}: slider answer must be [low, high] within [min, max]")
        return Question(raw["id"], raw["prompt"], kind, (), (float(answer[0]), float(answer[1])), lo, hi, step)
    raise LessonError(f"{where}: question {raw['id']}: kind must be 'choice' or 'slider', not {kind!r}")


def parse_body(body: str, where: str = "") -> tuple[Block, ...]:
    blocks: list[Block] = []
    text: list[str] = []
    predict: tuple[str, str | None] | None = None
    reveal: list[str] = []  # the predict block's text since its last details block
    parts: list[Block] = []  # the predict block's parts so far
    details: tuple[str, list[str]] | None = None  # (title, lines) of an open details block

    def flush():
        chunk = "\n".join(text).strip()
        if chunk:
            blocks.append(Block("text", chunk))
        text.clear()

    def flush_reveal():
        chunk = "\n".join(reveal).strip()
        if chunk:
            parts.append(Block("text", chunk))
        reveal.clear()

    for n, line in enumerate(body.split("\n"), 1):
        m = DIRECTIVE_RE.match(line.strip()) if line.startswith(":::") else None
        if details is not None:
            if m and m.group(1) is None:  # a bare ':::' closes the details block
                block = Block("details", "\n".join(details[1]).strip(), title=details[0])
                (parts if predict is not None else blocks).append(block)
                details = None
            elif m:
                raise LessonError(f"{where}, line {n}: a directive inside a details block (close it with ':::')")
            else:
                details[1].append(line)
            continue
        if predict is not None:
            if m and m.group(1) is None:  # a bare ':::' closes the reveal
                flush_reveal()
                opening = "\n\n".join(p.text for p in parts if p.kind == "text")
                blocks.append(Block("predict", opening, predict[0], predict[1], parts=tuple(parts)))
                predict, parts = None, []
            elif m and m.group(1) == "details":
                flush_reveal()
                details = (_details_title(m.group(2), where, n), [])
            elif m:
                raise LessonError(f"{where}, line {n}: a directive inside a predict block (close it with ':::')")
            else:
                reveal.append(line)
            continue
        if not m:
            text.append(line)
            continue
        kind, rest = m.group(1), m.group(2).strip()
        if kind is None:
            raise LessonError(f"{where}, line {n}: ':::' closes nothing")
        flush()
        if kind == "figure":
            file, _, caption = rest.partition("|")
            blocks.append(Block("figure", caption.strip(), file.strip()))
        elif kind in ("code", "run", "widget"):
            if not rest or " " in rest:
                raise LessonError(f"{where}, line {n}: '::: {kind}' takes one argument")
            if kind == "widget" and rest not in WIDGETS:
                raise LessonError(f"{where}, line {n}: unknown widget {rest!r}; expected one of {WIDGETS}")
            blocks.append(Block(kind, "", rest))
        elif kind == "predict":
            parts_ = rest.split()
            if not 1 <= len(parts_) <= 2:
                raise LessonError(f"{where}, line {n}: '::: predict QUESTION [PRESET]'")
            predict = (parts_[0], parts_[1] if len(parts_) == 2 else None)
        elif kind == "details":
            details = (_details_title(rest, where, n), [])
        else:
            raise LessonError(f"{where}, line {n}: unknown directive {kind!r}")
    if details is not None:
        raise LessonError(f"{where}: details block {details[0]!r} is not closed by ':::'")
    if predict is not None:
        raise LessonError(f"{where}: predict block {predict[0]} is not closed by ':::'")
    flush()
    return tuple(blocks)


def _details_title(rest: str, where: str, n: int) -> str:
    title = rest.strip()
    if not title or "`" in title:  # the page tells code panels (titles in backticks) from details by that
        raise LessonError(f"{where}, line {n}: '::: details TITLE' needs a title without backticks")
    return title


def parse_lesson(path: Path, lang: str) -> Lesson:
    m = FILE_RE.match(path.name)
    if not m:
        raise LessonError(f"{path.name}: lesson files are named NN-slug.md")
    where = f"{lang}/{path.name}"
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), where)
    for key in ("title", "summary", "minutes"):
        if key not in meta:
            raise LessonError(f"{where}: front matter lacks '{key}'")
    questions = tuple(_question(q, where) for q in meta.get("questions", ()))
    if len({q.id for q in questions}) != len(questions):
        raise LessonError(f"{where}: two questions share an id")
    blocks = parse_body(body, where)
    ids = {q.id for q in questions}
    asked = [b.arg for b in blocks if b.kind == "predict"]
    if set(asked) != ids or len(asked) != len(set(asked)):
        raise LessonError(f"{where}: every question needs exactly one predict block (questions {sorted(ids)}, "
                          f"predict blocks {asked})")
    return Lesson(int(m.group(1)), m.group(2), lang, str(meta["title"]), str(meta["summary"]), int(meta["minutes"]),
                  tuple(meta.get("presets", ())), tuple(meta.get("glossary", ())), questions, blocks, path)


def lesson_files(lang: str, root: Path = LESSONS_DIR) -> list[Path]:
    folder = root / lang
    return sorted(p for p in folder.glob("*.md") if FILE_RE.match(p.name)) if folder.is_dir() else []


def load_lessons(lang: str, root: Path = LESSONS_DIR) -> list[Lesson]:
    return [parse_lesson(p, lang) for p in lesson_files(lang, root)]


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    definition: str
    lesson: int | None = None  # where the term is taught first


def load_glossary(lang: str, root: Path = LESSONS_DIR) -> dict[str, Term]:
    path = root / f"glossary.{lang}.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise LessonError(f"{path.name}: {err}") from None
    out = {}
    for tid, entry in raw.items():
        if not isinstance(entry, dict) or "name" not in entry or "definition" not in entry:
            raise LessonError(f"{path.name}: [{tid}] needs name and definition")
        out[tid] = Term(tid, str(entry["name"]), str(entry["definition"]), entry.get("lesson"))
    return out


def link_terms(text: str, glossary: dict[str, Term], href=lambda tid: f"#gl-{tid}") -> str:
    """`[[term]]` -> a Markdown link to the term's entry (its name, or the text given after '|')."""
    def sub(m: re.Match) -> str:
        term = glossary.get(m.group(1))
        shown = m.group(2) or (term.name if term else m.group(1))
        return f"[{shown}]({href(m.group(1))})" if term else shown
    return TERM_RE.sub(sub, text)


def figure_path(name: str, lang: str, root: Path = ASSETS_DIR) -> Path:
    """The diagram in the page's language (`moe.zh.svg` for `moe.svg` in Chinese) if there is one, else `name`."""
    path = root / name
    localised = path.with_name(f"{path.stem}.{lang}{path.suffix}")
    return localised if localised.is_file() else path


def resolve_object(dotted: str):
    """`mtl_core.models.mmoe.MMoE` -> the object (module import, then attributes)."""
    import importlib

    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)
