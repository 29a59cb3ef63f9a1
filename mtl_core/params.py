"""Hyper-parameter specs: one `Param` per knob, shared by registries, config validation, CLI and UI.

A spec knows its default, type and allowed range, so widgets and flags are generated from it and
every value entering the system (widget, URL, CLI flag, JSON file) is checked by the same code.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


class ConfigError(ValueError):
    """An invalid configuration value; the message names the field, the value and what is allowed."""

    def __init__(self, field: str, value: Any, allowed: str):
        self.field, self.value, self.allowed = field, value, allowed
        super().__init__(f"{field}: {short_repr(value)} is not allowed; expected {allowed}")


def short_repr(value: Any, limit: int = 40) -> str:
    """repr() cut to `limit` characters: messages echo a prefix of a bad value, never all of it."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


_KINDS = ("int", "float", "bool", "choice", "str", "ints", "floats")
MAX_LIST_LEN = 8  # values a list parameter takes by default (layers of a network, one value per task)


@dataclass(frozen=True)
class Param:
    """One hyper-parameter: name, default, allowed range, a one-line help text and a short widget label
    (empty: the UI shows the name, humanised). Both are the English source; translations live in the app.

    kind is inferred from the default unless given: int, float, bool, choice (when `choices` is set),
    str, or "ints"/"floats" for comma-separated lists (one value broadcast to every task, or one per task).
    """

    name: str
    default: Any
    help: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    kind: str = ""
    step: float | None = None  # UI slider step; purely cosmetic
    per_run: bool = False  # may differ between the runs of one batch (it changes no tensor shape)
    when: tuple[tuple[str, tuple], ...] = ()  # active only while each named sibling has one of the values
    label: str = ""  # short widget label, e.g. "ρ — task correlation"
    max_len: int = MAX_LIST_LEN  # kinds ints / floats: at most this many values (a network's depth is bounded)

    def active(self, values: dict[str, Any]) -> bool:
        """Whether this parameter is used, given the values of its siblings (same section)."""
        return all(values.get(name) in allowed for name, allowed in self.when)

    def condition(self) -> str:
        """"backbone is mmoe or omoe": the sentence for `when`, for messages."""
        return " and ".join(f"{name} is {' or '.join(map(str, allowed))}" for name, allowed in self.when)

    def __post_init__(self):
        if not self.kind:
            k = ("choice" if self.choices is not None else "bool" if isinstance(self.default, bool)
                 else "int" if isinstance(self.default, int) else "float" if isinstance(self.default, float)
                 else "str")
            object.__setattr__(self, "kind", k)
        assert self.kind in _KINDS, self.kind

    # ------------------------------------------------------------------ description
    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(map(str, self.choices))
        if self.kind == "bool":
            return "true or false"
        rng = ""
        if self.low is not None and self.high is not None:
            rng = f" in [{self.low:g}, {self.high:g}]"
        elif self.low is not None:
            rng = f" >= {self.low:g}"
        elif self.high is not None:
            rng = f" <= {self.high:g}"
        what = {"int": "an integer", "float": "a number", "str": "text",
                "ints": "comma-separated integers", "floats": "comma-separated numbers"}[self.kind]
        if self.kind in ("ints", "floats"):
            return f"{what}{rng}, at most {self.max_len} values"
        return what + rng

    # ------------------------------------------------------------------ parsing
    def parse(self, value: Any, field: str | None = None) -> Any:
        """Turn a string or Python value into this parameter's type, or raise ConfigError."""
        field = field or self.name
        bad = ConfigError(field, value, self.allowed())
        try:
            if self.kind == "bool":
                if isinstance(value, bool):
                    return value
                s = str(value).strip().lower()
                if s in ("1", "true", "yes", "on"):
                    return True
                if s in ("0", "false", "no", "off"):
                    return False
                raise bad
            if self.kind == "choice":
                for c in self.choices:
                    if str(c) == str(value).strip():
                        return c
                raise bad
            if self.kind == "str":
                return str(value)
            if self.kind in ("ints", "floats"):
                items = value if isinstance(value, (list, tuple)) else str(value).split(",", self.max_len)
                if len(items) > self.max_len:  # counted before converting: a 10,000-layer list costs nothing
                    raise ConfigError(field, value, f"{self.allowed()} (got more than {self.max_len})")
                conv = int if self.kind == "ints" else float
                out = tuple(self._number(conv, v, bad) for v in items)
                if not out:
                    raise bad
                return out
            conv = int if self.kind == "int" else float
            return self._number(conv, value, bad)
        except ConfigError:
            raise
        except (TypeError, ValueError, OverflowError):  # OverflowError: an integer too long for a float
            raise bad from None

    def _number(self, conv, value, bad):
        if isinstance(value, bool):
            raise bad
        if conv is int:
            f = float(str(value).strip()) if not isinstance(value, (int, float)) else float(value)
            if not math.isfinite(f) or f != int(f):
                raise bad
            v = int(f)
        else:
            v = float(str(value).strip()) if not isinstance(value, (int, float)) else float(value)
            if not math.isfinite(v):
                raise bad
        if (self.low is not None and v < self.low) or (self.high is not None and v > self.high):
            raise bad
        return v

    def format(self, value: Any) -> str:
        """Inverse of parse, for flat string dicts (URLs)."""
        if self.kind in ("ints", "floats"):
            return ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
        if self.kind == "bool":
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)
        return str(value)


def resolve_params(specs: tuple[Param, ...], given: dict[str, Any] | None, prefix: str,
                   strict_inactive: bool = False, parsed: bool = False) -> dict[str, Any]:
    """Defaults overlaid with `given`, each value parsed; unknown names raise ConfigError.

    Every parameter gets a value, inactive ones (see `Param.when`) their default. With strict_inactive,
    a value given for an inactive parameter is refused with a sentence saying when it applies.
    parsed: the given values were parsed where they entered, so they are taken as they are.
    """
    given = dict(given or {})
    by_name = {p.name: p for p in specs}
    for name in given:
        if name not in by_name:
            raise ConfigError(f"{prefix}.{name}", given[name],
                              "one of the known parameters: " + (", ".join(by_name) or "(none)"))
    values = {p.name: (p.default if p.name not in given else given[p.name] if parsed
                       else p.parse(given[p.name], f"{prefix}.{p.name}")) for p in specs}
    for p in specs:
        if not p.active(values):
            if strict_inactive and p.name in given:
                raise ConfigError(f"{prefix}.{p.name}", given[p.name],
                                  f"nothing here: this parameter is only used when {p.condition()}")
            values[p.name] = p.default
    return values


def active_params(specs: tuple[Param, ...], values: dict[str, Any]) -> tuple[Param, ...]:
    """The parameters in use for these values (inactive ones are hidden, refused and left out of URLs)."""
    return tuple(p for p in specs if p.active(values))


def param_default(specs: tuple[Param, ...], name: str) -> Any:
    return next(p.default for p in specs if p.name == name)


def per_task(values: tuple, n_tasks: int, field: str) -> tuple:
    """Broadcast a one-element list to every task, or check it has exactly one value per task."""
    if len(values) == 1:
        return tuple(values) * n_tasks
    if len(values) != n_tasks:
        raise ConfigError(field, ",".join(map(str, values)), f"1 or {n_tasks} comma-separated values (one per task)")
    return tuple(values)
