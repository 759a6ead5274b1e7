"""Reading rulebooks: errors name the line and the field, and every fault is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from satsa.rules import (
    RulebookError,
    UnknownRulebookError,
    get_preset,
    load_rulebook,
    parse_rulebook,
    preset_path,
    resolve_rulebook,
    rulebook_from_dict,
)
from satsa.rules.tomllines import line_for, toml_paths

MINIMAL = """\
id = "test-2026"
organisation = "test"
organisation_name = "Testby kommun"
title = "Testregler"
version = 1
valid_from = 2026-01-01

[[sources]]
id = "riktlinje"
title = "Riktlinje"
publisher = "Testby kommun"

[applicants]
allowed = ["board", "civil_society"]
excluded = ["company"]
text_sv = "Nämnder och civilsamhälle."
text_en = "Boards and civil society."
cite = "riktlinje: Vem kan ansöka?"

[consortium]
text_sv = "Minst två nämnder."
text_en = "At least two boards."

[[consortium.any_of]]
id = "two_boards"
text_sv = "minst 2 nämnder"
text_en = "at least 2 boards"
min_boards = 2

[duration]
min_years = 1
max_years = 3

[approval]
rule = "savings_cover_cost"
text_sv = "Besparingar minst lika stora som kostnaden."
text_en = "Savings at least the cost."

[[decision_chain]]
id = "preparation"
name_sv = "Beredning"
name_en = "Preparation"
role = "preparation_group"
guards = ["application_complete"]

[[decision_chain]]
id = "decision"
name_sv = "Beslut"
name_en = "Decision"
role = "decision_recorder"
guards = ["decision_recorded"]
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which ``needle`` first occurs."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def errors(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(RulebookError) as info:
        parse_rulebook(text)
    return [(p.line, p.path, p.message) for p in info.value.problems]


def test_a_minimal_rulebook_is_valid_and_fills_in_defaults() -> None:
    rb = parse_rulebook(MINIMAL)
    assert rb.id == "test-2026"
    assert rb.duration.max_years == 3
    assert rb.intake.mode == "continuous"
    assert rb.repayment.model == "off"
    assert rb.co_financing.min_share is None


def test_a_syntax_error_gives_its_line_and_the_key_it_is_near() -> None:
    text = MINIMAL.replace("max_years = 3", "max_years = = 3")
    [(line, path, message)] = errors(text)
    assert line == line_of(text, "max_years = = 3")
    assert path == "duration.max_years"
    assert message.startswith("TOML syntax error: ")
    assert "(at line" not in message


def test_a_syntax_error_on_a_table_header_names_that_table() -> None:
    text = MINIMAL.replace("[approval]", "[approval")
    [(line, path, _message)] = errors(text)
    assert line == line_of(text, "[approval")
    assert path == "approval"


def test_a_wrong_type_gives_the_line_of_the_key_and_the_field_path() -> None:
    text = MINIMAL.replace("max_years = 3", 'max_years = "three"')
    [(line, path, message)] = errors(text)
    assert (line, path) == (line_of(text, 'max_years = "three"'), "duration.max_years")
    assert "valid number" in message and "'three'" in message


def test_an_error_in_the_second_stage_points_at_that_stage() -> None:
    text = MINIMAL.replace('role = "decision_recorder"', 'role = "mayor"')
    [(line, path, message)] = errors(text)
    assert path == "decision_chain[1].role"
    assert line == line_of(text, 'role = "mayor"')
    assert "'coordinator'" in message and "'mayor'" in message


def test_an_unknown_key_is_an_error_not_silently_ignored() -> None:
    text = MINIMAL.replace("max_years = 3", "max_years = 3\nmax_yeras = 4")
    [(line, path, message)] = errors(text)
    assert (line, path) == (line_of(text, "max_yeras"), "duration.max_yeras")
    assert "unknown key 'max_yeras'" in message


def test_a_missing_field_points_at_its_table() -> None:
    text = MINIMAL.replace('text_en = "At least two boards."\n', "")
    [(line, path, message)] = errors(text)
    assert (line, path) == (line_of(text, "[consortium]"), "consortium.text_en")
    assert message == "required field is missing"


def test_every_problem_is_reported_at_once() -> None:
    text = MINIMAL.replace("max_years = 3", "max_years = -1").replace(
        'rule = "savings_cover_cost"', 'rule = "gut_feeling"'
    )
    found = {path for _line, path, _message in errors(text)}
    assert found == {"duration.max_years", "approval.rule"}


def test_a_citation_of_an_unlisted_source_is_an_error_at_the_cite() -> None:
    text = MINIMAL.replace('cite = "riktlinje: Vem kan ansöka?"', 'cite = "okand: Kapitel 2"')
    [(line, path, message)] = errors(text)
    assert (line, path) == (line_of(text, 'cite = "okand'), "applicants.cite")
    assert "'okand'" in message and "riktlinje" in message


def test_a_guard_that_does_not_fit_the_rules_is_an_error() -> None:
    text = MINIMAL.replace(
        'guards = ["application_complete"]', 'guards = ["repayment_plan_approved"]'
    )
    [(line, path, message)] = errors(text)
    assert path == "decision_chain[0].guards[0]"
    assert line == line_of(text, "repayment_plan_approved")
    assert "repayment model is off" in message


def test_limits_that_contradict_each_other_are_refused() -> None:
    text = MINIMAL.replace("min_years = 1", "min_years = 5")
    [(line, path, message)] = errors(text)
    assert path == "duration"
    assert line == line_of(text, "[duration]")
    assert "min_years (5) is greater than max_years (3)" in message


def test_rulebook_error_text_lists_lines_and_paths() -> None:
    with pytest.raises(RulebookError) as info:
        parse_rulebook(MINIMAL.replace("version = 1", "version = 0"), source="x.toml")
    text = str(info.value)
    assert text.startswith("1 problem in x.toml:")
    assert f"line {line_of(MINIMAL, 'version = 1')}: version: " in text


def test_it_loads_from_a_path_a_string_path_and_text(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_rulebook(path).id == "test-2026"
    assert load_rulebook(str(path)).id == "test-2026"
    assert load_rulebook(MINIMAL).id == "test-2026"
    assert resolve_rulebook(str(path)).id == "test-2026"


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_rulebook(tmp_path / "nope.toml")


def test_a_file_that_is_not_utf8_is_a_rulebook_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL.replace("Testby", "Växjö").encode("latin-1"))
    with pytest.raises(RulebookError, match="not UTF-8"):
        load_rulebook(path)


def test_an_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(UnknownRulebookError) as info:
        get_preset("malmo-2030")
    assert "malmo-2030" in str(info.value) and "orebro-2020" in str(info.value)
    with pytest.raises(UnknownRulebookError):
        resolve_rulebook("malmo-2030")


def test_presets_are_read_as_package_resources() -> None:
    resource = preset_path("orebro-2020")
    assert resource.name == "orebro-2020.toml"
    assert 'id = "orebro-2020"' in resource.read_text(encoding="utf-8")


def test_dicts_are_validated_with_paths_but_no_lines() -> None:
    with pytest.raises(RulebookError) as info:
        rulebook_from_dict({"id": "BAD ID"})
    first = info.value.problems[0]
    assert (first.path, first.line) == ("id", None)


def test_the_line_scanner_skips_multi_line_strings_and_arrays() -> None:
    text = "\n".join(
        [
            'a = """',
            "[not_a_table]",
            'b = "not a key"',
            '"""',
            "c = [",
            '  "x",',
            "  [1, 2],",
            "]",
            "[t]",
            "d.e = 1",
            "[[t.items]]",
            "id = 'one'",
            "[[t.items]]",
            "id = 'two'  # comment = not a key",
        ]
    )
    paths = toml_paths(text)
    assert paths[("a",)] == 1 and paths[("c",)] == 5
    assert ("not_a_table",) not in paths and ("b",) not in paths
    assert paths[("t", "d", "e")] == 10
    assert paths[("t", "items", 1, "id")] == 14
    assert line_for(("t", "items", 0, "id", "x"), paths) == 12


def test_hostile_toml_is_a_rulebook_error_not_a_crash() -> None:
    import pytest

    from satsa.rules import RulebookError, parse_rulebook

    for text in ["a = " + "[" * 5000 + "]" * 5000, 'id = "x"\nversion = ' + "9" * 5000]:
        with pytest.raises(RulebookError):
            parse_rulebook(text)
