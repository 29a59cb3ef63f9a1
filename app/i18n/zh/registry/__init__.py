"""中文：注册表文字（名称、描述、每个参数的说明和标签）的翻译。English lives in mtl_core's registries only.

One module per registry kind: `data.py` (datasets), `arch.py` (architectures), `weighting.py` (loss-weighting
strategies), `train.py` (training parameters); each holds its kind's names, descriptions, help texts and labels,
and this package merges them. Each entry is `"key": ("中文", "hash")`, the hash being the first 8 hex digits of
the SHA-1 of the English it was translated from; keys: name.<kind>.<id>, desc.<kind>.<id>,
help.<kind>.<id>.<param>, help.train.<param>, p.<param> / p.<section>.<param> (labels; one that several kinds
share lives in the first of train, data, weighting, arch). To add a translation, append a plain
`"key": "中文",` line before the closing brace of its kind's module and run `python -m app.i18n.stamp --write`
(`python -m app.i18n.stamp` alone names each missing key and its module); when a test says an entry is stale,
update the Chinese and run `python -m app.i18n.stamp --accept KEY`.
"""
from ...parts import load_parts, merged

STRINGS: dict[str, str] = merged(load_parts(__name__, __path__))
