"""What every command shares: the one-line argparse, the flag -> config-key mapping, and checked readers
for files, counts, id lists and seeds.

Flags that set one config key (`--epochs` -> train.epochs, the funnel's `--base-cvr` -> data.base_cvr) are
declared with `add_key_flag`, which remembers the pair; `build_flat` turns any command's flags into one flat
config dict in a fixed order (preset, --config, ids, dataset knobs, key flags, --set) and records which flag
set each key, so that an invalid value is reported under the flag the user typed (`flag_for`).
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, Sequence

from ..config import DEFAULT_IDS, REGISTRIES, TRAIN_SPECS, from_json
from ..data import DATASETS
from ..params import ConfigError, short_repr
from ..presets import get_preset
from ..seeds import MAX_SEED, parse_seeds

CONFIG_MAX_BYTES = 1 << 20  # a config or summary.json is a few KB; /dev/zero must not be read to the end
MAX_BATCH_LIMIT = 100_000
MOST_SEEDS = 10_000


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse that reports errors in one line (exit 2) instead of usage + message."""

    def error(self, message):
        raise UsageError(message)


KEY_FLAGS: dict[str, str] = {}  # config key -> the flag that sets it directly, e.g. "train.lr" -> "--lr"
TRAIN_FLAGS = {"--epochs": "train.epochs", "--batch-size": "train.batch_size", "--lr": "train.lr",
               "--seed": "train.seed", "--device": "train.device", "--optimizer": "train.optimizer",
               "--weight-decay": "train.weight_decay"}


def add_key_flag(p: argparse.ArgumentParser, flag: str, key: str, help: str) -> None:
    """A flag whose text becomes the value of one config key (parsed with the rest of the config)."""
    KEY_FLAGS[key] = flag
    p.add_argument(flag, dest=key, type=str, help=help)


def add_train_flags(p: argparse.ArgumentParser, seed: bool = True) -> None:
    for flag, key in TRAIN_FLAGS.items():
        if seed or flag != "--seed":
            spec = TRAIN_SPECS[key.split(".")[1]]
            add_key_flag(p, flag, key, f"{spec.help} ({spec.allowed()})")


def add_set_flag(p: argparse.ArgumentParser, help: str) -> None:
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=help)


def int_flag(low: int, high: int):
    """argparse type: an integer in [low, high], refused in one line naming the flag otherwise."""
    def parse(text: str) -> int:
        try:
            value = int(text) if len(text) <= 12 else None
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{short_repr(text)} is not allowed; expected an integer in "
                                             f"[{low}, {high}]")
        return value
    return parse


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity, which containers and `taskset` narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def id_list(text: str, flag: str, registry: Sequence[str]) -> list[str]:
    """"a,b" -> ["a", "b"], each a registered id; at least one."""
    allowed = "comma-separated ids from: " + ", ".join(registry)
    ids = [s.strip() for s in text.split(",") if s.strip()]
    if not ids:
        raise ConfigError(flag, text, allowed)
    for i in ids:
        if i not in registry:
            raise ConfigError(flag, i, allowed)
    return ids


def seeds_flag(text: str, flag: str = "--seeds", first: int = 0) -> list[int]:
    """The seeds a --seeds value names, shifted by `first`; checked by size before anything is built."""
    seeds = parse_seeds(text, flag, MOST_SEEDS)
    if seeds[-1] + first > MAX_SEED:
        raise ConfigError("--first-seed", first, f"a shift that keeps every seed <= {MAX_SEED}")
    return [s + first for s in seeds]


def read_config(path: str) -> dict[str, Any]:
    """The typed flat config of a JSON file (a config or a summary.json), read up to CONFIG_MAX_BYTES."""
    try:
        with open(path, "rb") as f:
            raw = f.read(CONFIG_MAX_BYTES + 1)
    except OSError as err:
        raise ConfigError("--config", path, f"a readable JSON file ({err.strerror})") from None
    if len(raw) > CONFIG_MAX_BYTES:
        raise ConfigError("--config", path, f"a JSON file of at most {CONFIG_MAX_BYTES >> 20} MB")
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some editors save it, is fine
    except UnicodeDecodeError:
        raise ConfigError("--config", path, "a JSON file in UTF-8") from None
    try:
        return from_json(text).typed_flat()
    except ConfigError as err:
        what = err.allowed if err.field == "config file" else f"a config file whose {err.field} is {err.allowed}"
        raise ConfigError("--config", err.value, what) from None


def out_dir(path: str) -> Path:
    """The output folder, created if needed and proved writable before training; one line when it cannot be."""
    from ..study.store import prepare_out

    return prepare_out(path)


def _drop(flat: dict, section: str) -> dict:
    return {k: v for k, v in flat.items() if not (k == section or k.startswith(section + "."))}


def build_flat(a: argparse.Namespace, sections: Sequence[str] = ("data", "model", "weighting", "train")) -> dict:
    """The flat config a command's flags describe. `sections`: the config sections the command sets (the
    funnel sets data and train only: its models are its own axis). Sets `a.flag_of` (key -> flag)."""
    flat: dict[str, Any] = {}
    given: dict[str, str] = {}
    a.flag_of = given
    mine = tuple(s + "." for s in sections)
    if getattr(a, "preset", None):
        flat.update({k: v for k, v in get_preset(a.preset, "--preset").config.items()
                     if len(sections) == 4 or k.startswith(mine)})
    if getattr(a, "config", None):
        flat.update(read_config(a.config))
    for attr, key in (("data", "data"), ("arch", "model"), ("weighting", "weighting")):
        if getattr(a, attr, None):
            flat = _drop(flat, key)
            flat[key], given[key] = getattr(a, attr), "--" + attr
    data_id = flat.get("data", DEFAULT_IDS["data"])
    if data_id not in DATASETS:
        raise ConfigError("--data", data_id, "one of " + ", ".join(DATASETS))
    info = DATASETS[data_id]
    if getattr(a, "rho", None) is not None:
        if "rho" not in {p.name for p in info.params}:
            raise ConfigError("--rho", a.rho, f"no --rho: dataset '{data_id}' has no ρ (its relatedness knob "
                              f"is {info.relatedness_param or 'none'}: use --relatedness)")
        flat["data.rho"], given["data.rho"] = a.rho, "--rho"
    if getattr(a, "relatedness", None) is not None:
        if not info.relatedness_param:
            raise ConfigError("--relatedness", a.relatedness, f"nothing: dataset '{data_id}' has no relatedness knob")
        key = f"data.{info.relatedness_param}"
        flat[key], given[key] = a.relatedness, "--relatedness"
    if getattr(a, "n_samples", None) is not None:
        key = f"data.{info.size_param}"
        flat[key], given[key] = a.n_samples, "--n-samples"
    for key, value in vars(a).items():
        if key in KEY_FLAGS and value is not None:
            flat[key], given[key] = value, KEY_FLAGS[key]
    if getattr(a, "baseline", False):
        flat["train.baseline"] = True
    for item in a.set:
        key, eq, value = item.partition("=")
        key = key.strip()
        if len(sections) < 4:
            if not eq or not key.startswith(mine):
                raise ConfigError("--set", item, "KEY=VALUE with a " + " or ".join(s + "." for s in sections)
                                  + " key, e.g. data.latent_dim=4")
        elif not eq:
            raise ConfigError("--set", item, "KEY=VALUE, e.g. n_experts=8")
        else:
            key = resolve_key(key, flat)
        flat[key], given[key] = value, f"--set {key}"
    return flat


def resolve_key(key: str, flat: dict) -> str:
    """A --set name: "n_experts" -> "model.n_experts" (looked up in model, weighting, data, train)."""
    if "." in key:
        return key
    for section in ("model", "weighting", "data"):
        cid = flat.get(section, DEFAULT_IDS[section])
        if cid in REGISTRIES[section] and key in {p.name for p in REGISTRIES[section][cid].params}:
            return f"{section}.{key}"
    if key in TRAIN_SPECS:
        return f"train.{key}"
    raise ConfigError("--set", key, "a hyper-parameter of the chosen model, weighting, dataset or training "
                      "(see `python -m mtl_core list --params`)")


def flag_for(field: str, given: dict[str, str] | None = None) -> str:
    """The command-line flag that sets a config field, for error messages: the one the user typed, else
    the one that would set it."""
    if field.startswith("--") or " " in field:  # already a flag, or a command's words ("data fetch")
        return field
    if given and field in given:
        return given[field]
    named = {"data": "--data", "model": "--arch", "weighting": "--weighting", "data.rho": "--rho",
             **{key: flag for flag, key in TRAIN_FLAGS.items()}}
    if field in named:
        return named[field]
    if field.startswith("data.") and any(field == f"data.{i.size_param}" for i in DATASETS.values()):
        return f"--n-samples/--set {field}"
    return f"--set {field}"
