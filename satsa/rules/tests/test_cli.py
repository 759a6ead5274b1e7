"""``satsa rules``: list, show, check, eligibility and diff, called through main()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from satsa.rules.cli import main
from satsa.rules.loading import preset_path

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "rules"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def preset_text(preset_id: str) -> str:
    return preset_path(preset_id).read_text(encoding="utf-8")


def test_list_shows_every_preset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [
        "gavleborg-2018",
        "orebro-2016",
        "orebro-2020",
        "uppsala-2016",
    ]
    assert "Region Gävleborg" in lines[0]


def test_list_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[1]["id"] == "orebro-2016" and rows[1]["valid_until"] == "2019-12-31"


def test_show_prints_the_rulebook_readably(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "uppsala-2016"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("uppsala-2016 – Riktlinje för sociala investeringar (2016)")
    assert "Svar inom 30 dagar" in out
    assert "Tertial 1 (30/4), Tertial 2 (31/8), Helår (31/12)" in out
    assert "minskad budgetram (kommunbidrag)" in out
    assert "Källa: riktlinje-2016: Grundkriterier" in out


def test_show_in_english_and_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "gavleborg-2018", "--lang", "en"]) == 0
    assert "Co-financing: at least 50%" in capsys.readouterr().out
    assert main(["show", "orebro-2016", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["repayment"]["floor_share"] == 0.3


def test_show_an_unknown_rulebook_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "malmo-2030"]) == 2
    err = capsys.readouterr().err
    assert "unknown rulebook 'malmo-2030'" in err and "orebro-2020" in err


def test_check_accepts_a_valid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "mine.toml", preset_text("orebro-2020"))
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"OK {path}: orebro-2020")


def test_check_reports_a_syntax_error_with_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = preset_text("gavleborg-2018").replace("max_years = 3", "max_years = 3 3")
    path = write(tmp_path, "broken.toml", text)
    line = text.splitlines().index("max_years = 3 3") + 1
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:{line}: duration.max_years: TOML syntax error" in out
    assert out.splitlines()[-1] == f"{path}: 1 problem"


def test_check_reports_schema_errors_with_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = preset_text("gavleborg-2018").replace("min_share = 0.5", "min_share = 50")
    text = text.replace('role = "preparation_group"', 'role = "secretary"')
    path = write(tmp_path, "wrong.toml", text)
    lines = text.splitlines()
    share_line = lines.index("min_share = 50") + 1
    role_line = lines.index('role = "secretary"') + 1
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:{share_line}: co_financing.min_share: " in out
    assert "less than or equal to 1" in out
    assert f"{path}:{role_line}: decision_chain[1].role: " in out
    assert out.splitlines()[-1] == f"{path}: 2 problems"


def test_check_of_a_missing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "nope.toml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_eligibility_as_json_in_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = {
        "parties": [
            {"type": "board", "name": "Socialnämnden", "area": "social"},
            {"type": "board", "name": "Arbetsmarknadsnämnden", "area": "social"},
        ],
        "duration_years": 3,
    }
    path = write(tmp_path, "case.json", json.dumps(case, ensure_ascii=False))
    assert main(["eligibility", str(path), "--rulebook", "orebro-2020", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"eligible", "findings"}
    assert data["eligible"] is False
    consortium = [f for f in data["findings"] if f["rule"] == "consortium"]
    assert consortium[0]["status"] == "fails"
    assert set(consortium[0]) == {"rule", "status", "message_sv", "message_en"}


def test_the_passing_example_passes_orebro_2020(capsys: pytest.CaptureFixture[str]) -> None:
    case = EXAMPLES / "orebro-2020-pass.json"
    assert main(["eligibility", str(case), "--rulebook", "orebro-2020", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["eligible"] is True
    assert {f["status"] for f in data["findings"]} == {"holds"}


def test_the_failing_example_fails_gavleborg_for_co_financing_and_duration(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = EXAMPLES / "gavleborg-2018-fail.json"
    assert main(["eligibility", str(case), "--rulebook", "gavleborg-2018"]) == 0
    out = capsys.readouterr().out
    assert "Behörig: nej" in out
    failing = [line.split()[2] for line in out.splitlines() if "EJ UPPFYLLD" in line]
    assert failing == ["duration:", "co_financing:"]
    assert "Samfinansieringen är 40\u00a0% men regelboken kräver minst 50\u00a0%." in out


def test_eligibility_accepts_a_rulebook_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = preset_text("gavleborg-2018").replace("min_share = 0.5", "min_share = 0.3")
    rules = write(tmp_path, "lenient.toml", text)
    case = EXAMPLES / "gavleborg-2018-fail.json"
    assert main(["eligibility", str(case), "--rulebook", str(rules), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "HOLDS   co_financing: The co-financing is 40%" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"parties": [', "not valid JSON"),
        ("[1, 2]", "a case is a JSON object"),
        ('{"duration_years": "tre"}', "duration_years: Input should be a valid number"),
    ],
)
def test_bad_case_files_are_usage_errors_with_a_precise_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = write(tmp_path, "case.json", content)
    assert main(["eligibility", str(path), "--rulebook", "orebro-2020"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_a_json_syntax_error_names_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "case.json", '{\n  "duration_years": 3,\n}')
    assert main(["eligibility", str(path), "--rulebook", "orebro-2020"]) == 2
    assert f"{path}:3:1: not valid JSON" in capsys.readouterr().err


def test_an_unknown_rulebook_for_eligibility_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "case.json", "{}")
    assert main(["eligibility", str(path), "--rulebook", "malmo-2030"]) == 2
    assert "unknown rulebook 'malmo-2030'" in capsys.readouterr().err


def test_an_invalid_rulebook_file_for_eligibility_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = write(tmp_path, "case.json", "{}")
    rules = write(tmp_path, "bad.toml", 'id = "x"\n')
    assert main(["eligibility", str(case), "--rulebook", str(rules)]) == 2
    assert "organisation: required field is missing" in capsys.readouterr().err


def test_missing_arguments_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["eligibility", "case.json"]) == 2
    assert "--rulebook" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "eligibility" in capsys.readouterr().out


def test_diff_lists_what_changed_between_versions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "orebro-2016", "orebro-2020"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "repayment.model: 'to_fund' → 'off'" in out
    assert main(["diff", "orebro-2020", "orebro-2020", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["diff", "orebro-2020", "orebro-2020"]) == 0
    assert capsys.readouterr().out == "No differences.\n"
