"""``satsa calc`` end to end through main([...])."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from satsa.economics.cli import main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "calc" / "familjestod-oxhagen.json"


def write_case(tmp_path: Path, case: Any, name: str = "case.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return str(path)


def small_case() -> dict[str, Any]:
    return {
        "name": "Litet fall",
        "start_year": 2026,
        "project_years": 1,
        "horizon_years_after_end": 2,
        "discount_rate": 0.035,
        "costs": [{"year": 2026, "amount": 1000}],
        "effects": [
            {
                "actor": "Socialnämnden",
                "unit_cost": 600,
                "volume_after_end": 1,
                "uncertainty": {"volume_after_end": [0.5, 1, 1.2]},
            }
        ],
    }


def test_the_example_prints_json_with_every_block(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(EXAMPLE), "--draws", "1000", "--seed", "1", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out)
    assert {"flows", "totals", "approval", "monte_carlo", "sensitivity", "alternatives"} <= set(
        result
    )
    assert result["monte_carlo"]["draws"] == 1000
    assert result["monte_carlo"]["seed"] == 1
    assert result["repayment"]["settlement"]["principal"] == 1_200_000


def test_the_json_is_the_same_as_calculate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from satsa.economics import calculate

    path = write_case(tmp_path, small_case())
    assert main([path, "--draws", "50", "--seed", "4", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == calculate(small_case(), draws=50, seed=4)


def test_text_output_is_swedish_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([write_case(tmp_path, small_case()), "--draws", "100", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "Kalkyl: Litet fall" in out
    assert "Netto / nuvärde (NPV)" in out
    assert "Beslutsregel" in out
    assert "Sannolikhet att NPV ≥ 0" in out
    assert "Känslighetsanalys" in out


def test_text_output_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([write_case(tmp_path, small_case()), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Net / net present value (NPV)" in out
    assert "Approval rule" in out
    assert "Monte Carlo" not in out


def test_the_example_prints_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(EXAMPLE), "--draws", "200", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Jämförelsealternativ" in out
    assert "Återbetalningsplan: 2 520 000" in out
    assert "Avräkning" in out


def test_it_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(small_case())))
    assert main(["-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Litet fall"


def test_an_invalid_case_exits_2_naming_each_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = small_case()
    case["effects"][0]["deadweight"] = 1.5
    case["costs"][0]["year"] = 2040
    assert main([write_case(tmp_path, case), "--format", "json", "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "satsa calc: error: costs[0].year: the year 2040 is outside" in captured.err
    assert "effects[0].deadweight: must be between 0 and 1, got 1.5" in captured.err
    assert "Traceback" not in captured.err


def test_invalid_json_exits_2_with_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"start_year": 2026,\n "costs": [}', encoding="utf-8")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "rad 2" in err
    assert "ogiltig JSON" in err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "finns-inte.json")]) == 2
    assert "finns-inte.json" in capsys.readouterr().err


def test_a_file_that_is_not_utf8_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "Förskola"}'.encode("latin-1"))
    assert main([str(path)]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_a_json_array_is_an_invalid_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([write_case(tmp_path, [1, 2])]) == 2
    assert "(kalkylen): kalkylen måste vara ett JSON-objekt" in capsys.readouterr().err


def test_negative_draws_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([write_case(tmp_path, small_case()), "--draws", "-5"]) == 2
    assert "draws:" in capsys.readouterr().err


def test_usage_errors_exit_2_and_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["case.json", "--format", "xml"]) == 2
    assert main(["--help"]) == 0
    assert "satsa calc" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("sv", ["Effekthemtagningsplan: planerat 500", "färre tjänster 500", "Socialnämnden"]),
        ("en", ["Realisation plan: 500 planned", "fewer posts 500", "Releases cash"]),
    ],
)
def test_the_text_output_prints_the_realisation_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, expected: list[str]
) -> None:
    case = dict(
        small_case(),
        realisation_plan=[
            {"board": "Socialnämnden", "year": 2027, "amount": 500, "measure": "fewer_posts"}
        ],
    )
    assert main([write_case(tmp_path, case), "--lang", lang]) == 0
    out = capsys.readouterr().out
    for text in expected:
        assert text in out
    assert "fewer_posts" not in out
