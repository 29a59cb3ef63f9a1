"""User-controlled text shown in the page: one escaping helper for Markdown and HTML.

Streamlit renders warnings, errors, captions and markdown as GitHub-flavoured Markdown (with its own
`:color[...]` and `:material/icon:` directives). A value from a link, a widget or an uploaded file that is
shown there must stay text: `[Sign in](https://evil.example/)` must not become a link and
`![](http://host/p.png)` must not make the browser fetch an image. `escape_md` backslash-escapes every
character that starts Markdown, HTML or a directive (CommonMark renders `\\x` as a literal `x` for any
ASCII punctuation), breaks bare autolinks (`http://`, `www.`, e-mail addresses) and folds line breaks, so
the text cannot open a new block. Identifier characters (`.`, `-`, `,`, `/`, `'`, an `_` inside a word)
are left as they are: they cannot start markup, and messages stay readable as plain text.
"""
from __future__ import annotations

import re
from typing import Mapping

_SPECIAL = set("\\`*{}[]()<>#+!|~$&:@")
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # only these can open emphasis
_WWW = re.compile(r"(?i)(?<=www)\.")  # "www.host" is autolinked by GFM even without a scheme
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
MAX_ECHO = 40  # a bad value is echoed cut to this many characters


def short(value: object, n: int = MAX_ECHO) -> str:
    """repr() of a value cut to n characters, so a hostile link cannot flood the page."""
    text = str(value)
    return repr(text) if len(text) <= n else repr(text[:n]) + "…"


MAX_WARNING = 400  # a warning longer than this (after shortening) is cut


def shorten_in(message: str, values: Mapping[str, str], n: int = MAX_ECHO) -> str:
    """Replace every over-long key or value of `values` echoed in `message` (as repr or as text) by its
    short form; longest first, so a value that contains another is replaced whole."""
    texts = sorted({str(x) for kv in values.items() for x in kv if len(str(x)) > n}, key=len, reverse=True)
    for text in texts:
        message = message.replace(repr(text), short(text, n)).replace(text, short(text, n))
    return message


def clip(message: str, n: int = MAX_WARNING) -> str:
    """A message cut to n characters (the last resort against a link that floods the page)."""
    return message if len(message) <= n else message[:n - 1] + "…"


def escape_md(value: object) -> str:
    """`value` as text that Streamlit's Markdown shows literally (no link, image, HTML, directive, block)."""
    text = _BREAKS.sub(" ", str(value))
    out = []
    for i, ch in enumerate(text):
        if ch in _SPECIAL or (ch == "_" and _EDGE_UNDERSCORE.match(text, i)):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return _WWW.sub(r"\\.", "".join(out))


def escape_all(values) -> list[str]:
    return [escape_md(v) for v in values]


def bullets(title: str, items) -> str:
    """A message block: our own `title` (Markdown allowed), then each item escaped on its own line."""
    return title + "\n\n" + "\n".join(f"- {escape_md(item)}" for item in items)


__all__ = ["escape_md", "escape_all", "bullets", "short", "shorten_in", "clip", "MAX_ECHO", "MAX_WARNING"]
