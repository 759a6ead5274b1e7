"""``satsa evaluate`` end to end through main([...])."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from satsa.evaluation.cli import main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "evaluate" / "example.csv"

DID_KEYS = {
    "estimate",
    "std_error",
    "df",
    "confidence",
    "ci_low",
    "ci_high",
    "p_value",
    "sd_baseline_pooled",
    "cohens_d",
    "hedges_g",
}
CHANGE_KEYS = {
    "estimate",
    "std_error",
    "df",
    "confidence",
    "ci_low",
    "ci_high",
    "p_value",
    "group",
    "design",
    "n_baseline",
    "n_follow_up",
    "mean_baseline",
    "mean_follow_up",
    "sd_baseline",
    "cohens_d",
    "hedges_g",
}


def write_csv(tmp_path: Path, rows: list[str], name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join(["person,group,period,value", *rows]) + "\n", encoding="utf-8")
    return str(path)


def constructed(n_treatment: int, n_control: int, effect: float, seed: int = 3) -> list[str]:
    rng = np.random.default_rng(seed)
    rows = []
    for group, n, extra in (("treatment", n_treatment, effect), ("control", n_control, 0.0)):
        for i in range(n):
            before = rng.normal(50, 8)
            after = before + 1.0 + extra + rng.normal(0, 3)
            rows += [f"{group[0]}{i},{group},baseline,{before:.3f}"]
            rows += [f"{group[0]}{i},{group},follow_up,{after:.3f}"]
    return rows


def test_the_json_output_has_the_documented_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, constructed(40, 40, effect=5.0))
    assert main([path, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "data",
        "method",
        "min_group_size",
        "confidence",
        "counts",
        "changes",
        "difference_in_differences",
        "confidence_rating",
        "refused",
    }
    assert out["data"] == "individual" and out["method"] == "two_period"
    assert out["confidence_rating"]["level"] == 3
    assert out["counts"] == {
        "treatment": {"baseline": 40, "follow_up": 40},
        "control": {"baseline": 40, "follow_up": 40},
    }
    assert set(out["changes"]["treatment"]) == CHANGE_KEYS
    assert set(out["difference_in_differences"]) == DID_KEYS | {"method", "covariates", "cluster"}
    did = out["difference_in_differences"]
    assert did["ci_low"] < 5.0 < did["ci_high"]
    assert out["refused"] == [] and out["min_group_size"] == 5 and out["confidence"] == 0.95


def test_the_documentation_lists_every_json_key() -> None:
    docs = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    for key in DID_KEYS | CHANGE_KEYS | {"min_group_size", "counts", "refused", "message_sv"}:
        assert f"`{key}`" in docs, key


def test_the_shipped_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(EXAMPLE), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"]["treatment"] == {"baseline": 30, "follow_up": 30}
    assert out["counts"]["control"] == {"baseline": 30, "follow_up": 30}
    # constructed with a true difference-in-differences of 5 (make_example.py)
    did = out["difference_in_differences"]
    assert did["ci_low"] < 5.0 < did["ci_high"]


def test_the_text_output_is_swedish_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, constructed(10, 10, effect=5.0))
    assert main([path]) == 0
    out = capsys.readouterr().out
    assert "Skillnad-i-skillnader:" in out and "95 % konfidensintervall" in out
    assert "parvis, n = 10" in out
    assert main([path, "--lang", "en"]) == 0
    assert "Difference-in-differences:" in capsys.readouterr().out


def test_a_small_group_is_refused_with_exit_1_and_counts_suppressed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, constructed(20, 4, effect=5.0))
    assert main([path, "--format", "json"]) == 1
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["counts"]["control"] == {"baseline": "<5", "follow_up": "<5"}
    assert out["difference_in_differences"] is None and out["changes"]["control"] is None
    assert out["refused"][0]["group"] == "control, baseline & follow_up"
    assert "fewer than 5" in out["refused"][0]["message_en"]
    assert "färre än 5" in captured.err


def test_a_small_group_in_text_says_no_estimate_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, constructed(20, 3, effect=5.0))
    assert main([path, "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "Difference-in-differences: – (no estimate shown)" in out
    assert "No estimate shown (difference_in_differences)" in out
    assert "fewer than 5 people" in out
    assert "<5" in out and " 3 " not in out


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        (["p1,treatment,baseline,x"], "rad 2, kolumn 'value'"),
        (["p1,treatment,baseline,1", "p1,treatment,baseline,2"], "rad 3, kolumn 'person'"),
        (["p1,both,baseline,1"], "rad 2, kolumn 'group'"),
        (["p1,treatment,after,1"], "rad 2, kolumn 'period'"),
    ],
)
def test_a_bad_row_exits_2_naming_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[str], fragment: str
) -> None:
    assert main([write_csv(tmp_path, rows)]) == 2
    captured = capsys.readouterr()
    assert fragment in captured.err and captured.out == ""


def test_a_missing_column_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("person,group,value\np1,control,1\n", encoding="utf-8")
    assert main([str(path), "--lang", "en"]) == 2
    assert "row 1, column 'period': missing column in the header: period" in capsys.readouterr().err


def test_a_missing_file_and_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err
    assert main([str(EXAMPLE), "--format", "xml"]) == 2
    assert main([]) == 2
    assert main(["--help"]) == 0
    assert "person,group,period,value" in capsys.readouterr().out


def test_an_excel_bom_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bom.csv"
    text = "\n".join(["person,group,period,value", *constructed(6, 6, effect=1.0)])
    path.write_text(text, encoding="utf-8-sig")
    assert main([str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["control"]["baseline"] == 6


def test_a_windows_1252_file_exits_2_saying_how_to_save_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("person;group;period;value\nÅsa;control;baseline;1\n".encode("cp1252"))
    assert main([str(path)]) == 2
    assert "inte UTF-8" in capsys.readouterr().err


def test_standard_input_is_read_with_a_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "\ufeff" + "\n".join(["person,group,period,value", *constructed(5, 5, effect=2.0)])
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["treatment"]["follow_up"] == 5
