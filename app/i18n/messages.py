"""Validation sentences in the page language.

`mtl_core` and the section configs name every invalid value in English, the command line's language: "data.rho:
'7' is not allowed; expected a number in [-1, 1] — using 0.5 instead". The app shows them in the page language by
translating their fixed frame and the usual descriptions of what is allowed. The key and the value echo the
link or what the learner typed, and stay as they are; a description not known here stays in English.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

_RANGE = r"(?: in \[(?P<lo>[^\]]+)\]| >= (?P<ge>\S+)| <= (?P<le>\S+))?"
_KIND_ZH = {"an integer": "整数", "a number": "数", "text": "文本", "integers": "整数", "numbers": "数"}
_WHAT_ZH = {"the Experiments page": "实验页", "the funnel explorer": "漏斗探索器", "the balancing lab": "损失平衡实验室",
            "the model zoo": "模型库", "the Playground": "训练场"}
_NOT_A_ZH = {"a known preset": "已知的预设", "a preset of this page": "本页的预设", "a funnel preset": "漏斗预设",
             "a section": "页面"}


def _range_zh(m: re.Match) -> str:
    if m["lo"]:
        return f"[{m['lo']}] 内的"
    if m["ge"]:
        return f"≥ {m['ge']} 的"
    if m["le"]:
        return f"≤ {m['le']} 的"
    return ""


def _allowed_zh(text: str) -> str:
    """What is allowed, in Chinese where the description is one of the usual ones."""
    if text == "true or false":
        return "true 或 false"
    if m := re.fullmatch(r"one of the known parameters: (?P<opts>.+)", text, re.S):
        return f"已知参数之一：{m['opts']}"
    if m := re.fullmatch(r"one of (?P<opts>.+)", text, re.S):
        return f"以下之一：{m['opts']}"
    if m := re.fullmatch(rf"(?P<kind>an integer|a number|text){_RANGE}", text):
        return _range_zh(m) + _KIND_ZH[m["kind"]]
    if m := re.fullmatch(rf"comma-separated (?P<kind>integers|numbers){_RANGE}, at most (?P<n>\d+) values", text):
        each = (f"，每个在 [{m['lo']}] 内" if m["lo"] else f"，每个 ≥ {m['ge']}" if m["ge"] else
                f"，每个 ≤ {m['le']}" if m["le"] else "")
        return f"逗号分隔的{_KIND_ZH[m['kind']]}{each}，最多 {m['n']} 个"
    if m := re.fullmatch(r"a count \(e\.g\. 20 = seeds 0-19\) or a range like 100-119, at most (?P<n>\d+) seeds, "
                         r"each in \[(?P<lo>[^\]]+)\]", text):
        return f"一个数量（如 20 即种子 0-19）或一个范围（如 100-119），最多 {m['n']} 个种子，每个在 [{m['lo']}] 内"
    if m := re.fullmatch(r"comma-separated values, each (?P<each>.+)", text, re.S):
        return f"逗号分隔的值，每个为{_allowed_zh(m['each'])}"
    if m := re.fullmatch(r"comma-separated ids, at least one, among (?P<opts>.+)", text, re.S):
        return f"逗号分隔的 id，至少一个，取自 {m['opts']}"
    return text


def _kept_zh(text: str) -> str:
    if text == "the default":
        return "默认值"
    if m := re.fullmatch(r"the default for (?P<key>.+)", text):
        return f"{m['key']} 的默认值"
    if m := re.fullmatch(r"the default (?P<value>'.*')", text):
        return f"默认值 {m['value']}"
    return text


def _then(words: str, text: str) -> str:
    """Chinese words followed by `text`, with a space where `text` starts with Latin letters, digits or a quote."""
    return f"{words} {text}" if text[:1].isascii() else words + text


def _zh(text: str) -> str:
    if m := re.fullmatch(r"(?P<key>.+?): (?P<value>.+) is not allowed; expected (?P<allowed>.+?)"
                         r"(?: — (?:using )?(?P<kept>.+) instead)?", text, re.S):
        out = f"{m['key']}：{m['value']} 不可用，" + _then("应为", _allowed_zh(m["allowed"]))
        return out + _then("——改用", _kept_zh(m["kept"])) if m["kept"] else out
    if m := re.fullmatch(r"(?P<key>.+?): not a setting of (?P<what>.+?)(?:; expected one of (?P<opts>.+))?",
                         text, re.S):
        what = _WHAT_ZH.get(m["what"], m["what"])
        return f"{m['key']}：不是{what}的设置" + (f"；可用的有 {m['opts']}" if m["opts"] else "")
    if m := re.fullmatch(r"(?P<key>\w+): (?P<value>.+) is not (?P<what>a known preset|a preset of this page|"
                         r"a funnel preset|a section); expected one of (?P<opts>.+)", text, re.S):
        return f"{m['key']}：{m['value']} 不是{_NOT_A_ZH[m['what']]}；可用的有 {m['opts']}"
    return text


_BY_LANG: dict[str, Callable[[str], str]] = {"zh": _zh}


def localize(text: str, lang: str) -> str:
    """One validation sentence in `lang` (English, and any sentence of another shape, unchanged)."""
    return _BY_LANG.get(lang, lambda s: s)(str(text))


def localize_all(items: Iterable[str], lang: str) -> list[str]:
    return [localize(item, lang) for item in items]


__all__ = ["localize", "localize_all"]
