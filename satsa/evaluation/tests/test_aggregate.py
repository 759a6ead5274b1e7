"""Aggregate evaluation: values per group and period with head-counts, through the
functions and through ``satsa evaluate``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

from satsa.evaluation.aggregate import (
    AggregateValue,
    aggregate_change,
    aggregate_event_study,
    evaluate_aggregates,
    read_aggregate_csv,
)
from satsa.evaluation.cli import main
from satsa.evaluation.errors import CsvError, SmallGroupError
from satsa.evaluation.tests import strategies as s


def V(
    group: str, period: str, value: float, n: int | None, sd: float | None = None
) -> AggregateValue:
    return AggregateValue(group, period, value, n, sd)


def test_a_rate_s_change_has_the_binomial_standard_error() -> None:
    c = aggregate_change(
        V("treatment", "baseline", 0.40, 50), V("treatment", "follow_up", 0.50, 60), kind="rate"
    ).as_dict()
    assert_allclose(c["estimate"], 0.10)
    assert_allclose(c["std_error"], math.sqrt(0.4 * 0.6 / 50 + 0.5 * 0.5 / 60))
    assert c["ci_low"] < 0.10 < c["ci_high"]


def test_a_percentage_is_a_rate_on_the_scale_of_100() -> None:
    rate = aggregate_change(
        V("treatment", "baseline", 0.42, 30), V("treatment", "follow_up", 0.49, 30), kind="rate"
    ).as_dict()
    pct = aggregate_change(
        V("treatment", "baseline", 42, 30), V("treatment", "follow_up", 49, 30), kind="percent"
    ).as_dict()
    assert_allclose(pct["std_error"], 100 * rate["std_error"])
    assert_allclose(pct["ci_low"], 100 * rate["ci_low"])


def test_a_mean_uses_its_sd_and_without_sd_is_a_point_estimate_only() -> None:
    with_sd = aggregate_change(
        V("treatment", "baseline", 50.0, 25, 10.0),
        V("treatment", "follow_up", 55.0, 25, 10.0),
        kind="mean",
    ).as_dict()
    assert_allclose(with_sd["std_error"], math.sqrt(100 / 25 + 100 / 25))
    assert_allclose(with_sd["df"], 48.0)
    assert_allclose(with_sd["cohens_d"], 0.5)
    without = aggregate_change(
        V("treatment", "baseline", 50.0, 25), V("treatment", "follow_up", 55.0, 25), kind="mean"
    ).as_dict()
    assert without["estimate"] == 5.0
    assert without["std_error"] is None and without["ci_low"] is None and without["p_value"] is None


def test_the_difference_against_a_comparison_series_adds_the_variances() -> None:
    report = evaluate_aggregates(
        [
            V("treatment", "baseline", 0.30, 40),
            V("treatment", "follow_up", 0.45, 40),
            V("control", "baseline", 0.32, 5000),
            V("control", "follow_up", 0.35, 5000),
        ]
    )
    did = report.difference_in_differences
    assert did is not None
    assert_allclose(did.estimate, 0.12)
    t, c = report.changes["treatment"], report.changes["control"]
    assert t is not None and c is not None
    assert_allclose(did.std_error, math.hypot(t.std_error, c.std_error))  # type: ignore[arg-type]
    shown = report.as_dict()
    assert shown["method"] == "aggregate_did" and shown["confidence_rating"]["level"] == 3


def test_without_comparison_it_is_a_change_from_baseline_rated_level_2() -> None:
    shown = evaluate_aggregates(
        [V("treatment", "baseline", 42, 28), V("treatment", "follow_up", 49, 30)], kind="percent"
    ).as_dict()
    assert shown["method"] == "aggregate_change"
    assert set(shown["changes"]) == {"treatment"}
    assert shown["difference_in_differences"] is None and shown["refused"] == []
    assert shown["confidence_rating"]["level"] == 2


def test_a_group_below_5_shows_nothing() -> None:
    report = evaluate_aggregates(
        [
            V("treatment", "baseline", 0.3, 40),
            V("treatment", "follow_up", 0.4, 40),
            V("control", "baseline", 0.5, 4),
            V("control", "follow_up", 0.25, 4),
        ]
    )
    shown = report.as_dict()
    assert shown["counts"]["control"] == {"baseline": "<5", "follow_up": "<5"}
    assert shown["changes"]["control"] is None
    assert shown["difference_in_differences"] is None
    assert [r["estimate"] for r in shown["refused"]] == [
        "changes.control",
        "difference_in_differences",
    ]
    assert "0.25" not in json.dumps(shown) and "0.5," not in json.dumps(shown)


def test_it_refuses_a_rate_outside_its_range() -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        aggregate_change(
            V("treatment", "baseline", 42, 30), V("treatment", "follow_up", 140, 30), kind="percent"
        )


def test_the_reader_names_row_and_column() -> None:
    with pytest.raises(CsvError, match="row 3, column 'n'"):
        read_aggregate_csv(
            ["group,period,value,n", "treatment,baseline,0.4,30", "treatment,follow_up,0.5,2.5"]
        )
    with pytest.raises(CsvError, match="row 3, column 'period'"):
        read_aggregate_csv(
            ["group,period,value,n", "treatment,baseline,0.4,30", "treatment,baseline,0.5,30"]
        )


@settings(max_examples=10, deadline=None)
@given(seed=s.seeds)
def test_a_zero_effect_is_covered_at_about_the_nominal_rate(seed: int) -> None:
    # 400 simulated pairs of groups with the same true rates: the DiD interval covers 0
    # in about 95 % (binomial 99.9 % band of 400 at 95 %: 90.5 %–98.5 %).
    rng = np.random.default_rng(seed)
    covered = 0
    for _ in range(400):
        n = rng.integers(80, 300, size=4)
        p = [0.3, 0.4, 0.5, 0.6]  # treatment +0.1, control +0.1
        values = [
            V(g, per, float(rng.binomial(k, q) / k), int(k))
            for (g, per), k, q in zip(
                [
                    ("treatment", "baseline"),
                    ("treatment", "follow_up"),
                    ("control", "baseline"),
                    ("control", "follow_up"),
                ],
                n,
                p,
                strict=True,
            )
        ]
        did = evaluate_aggregates(values, kind="rate").difference_in_differences
        assert did is not None and did.ci_low is not None and did.ci_high is not None
        covered += did.ci_low <= 0.0 <= did.ci_high
    assert 362 <= covered <= 394


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "aggregate.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_satsa_evaluate_reads_aggregate_rows_with_the_same_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "group,period,value,n,sd\n"
        "treatment,baseline,54.0,40,8\ntreatment,follow_up,60.0,38,8\n"
        "comparison,baseline,55.0,900,9\ncomparison,follow_up,56.0,910,9\n",
    )
    assert main([path, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {
        "min_group_size",
        "confidence",
        "counts",
        "changes",
        "difference_in_differences",
        "refused",
    } <= set(out)
    assert out["data"] == "aggregate" and out["kind"] == "mean"
    did = out["difference_in_differences"]
    assert_allclose(did["estimate"], 5.0)
    assert {
        "estimate",
        "std_error",
        "df",
        "ci_low",
        "ci_high",
        "p_value",
        "cohens_d",
        "hedges_g",
    } <= set(did)
    assert out["counts"]["control"] == {"baseline": 900, "follow_up": 910}


def test_satsa_evaluate_says_plainly_when_only_a_point_estimate_is_possible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path, "group,period,value,n\ntreatment,baseline,12,40\ntreatment,follow_up,9,40\n"
    )
    assert main([path, "--kind", "mean"]) == 0
    out = capsys.readouterr().out
    assert "bara punktskattning" in out and "-3,00" in out
    assert "ingen jämförelsegrupp" in out and "Nivå 2" in out


def test_satsa_evaluate_refuses_a_small_aggregate_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path, "group,period,value,n\ntreatment,baseline,0.5,4\ntreatment,follow_up,0.75,4\n"
    )
    assert main([path, "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["changes"]["treatment"] is None and out["counts"]["treatment"]["baseline"] == "<5"


def test_the_shipped_aggregate_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[3] / "examples" / "evaluate" / "aggregate.csv"
    assert main([str(example), "--kind", "percent", "--format", "json"]) == 0
    did = json.loads(capsys.readouterr().out)["difference_in_differences"]
    assert_allclose(
        [did["estimate"], did["ci_low"], did["ci_high"]], [6.0, -20.28, 32.28], atol=0.005
    )


def test_covariates_are_refused_for_aggregate_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path, "group,period,value,n\ntreatment,baseline,0.4,30\ntreatment,follow_up,0.5,30\n"
    )
    assert main([path, "--covariates", "age"]) == 2
    assert "rader per person" in capsys.readouterr().err


def series(
    values: list[tuple[float, float | None]], n: int = 400
) -> list[tuple[float, AggregateValue, AggregateValue | None]]:
    return [
        (float(t), V("treatment", "p", tv, n), None if cv is None else V("control", "p", cv, n))
        for t, (tv, cv) in enumerate(values)
    ]


def test_the_aggregate_event_study_nets_out_the_comparison_series() -> None:
    rows = series([(0.30, 0.40), (0.32, 0.42), (0.34, 0.44), (0.46, 0.46), (0.50, 0.48)])
    es = aggregate_event_study(rows, start=3, kind="rate")
    assert es is not None and es["comparison"] is True
    assert_allclose([e["estimate"] for e in es["event_study"]], [0, 0, 0, 0.10, 0.12], atol=1e-12)
    assert es["pre_trend"]["parallel"] is True
    # each estimate against the reference: the variances of four values add

    def var(p: float) -> float:
        return p * (1 - p) / 400

    assert_allclose(
        es["event_study"][3]["std_error"],
        math.sqrt(var(0.46) + var(0.46) + var(0.34) + var(0.44)),
    )


def test_diverging_groups_before_the_start_fail_the_pre_trend_test() -> None:
    rows = series([(0.20, 0.40), (0.26, 0.40), (0.32, 0.40), (0.40, 0.40)], n=2000)
    es = aggregate_event_study(rows, start=3, kind="rate")
    assert es is not None and es["pre_trend"]["parallel"] is False


def test_no_aggregate_event_study_without_head_counts_or_periods_on_both_sides() -> None:
    rows = series([(0.3, None), (0.4, None)])
    assert aggregate_event_study(rows, start=5, kind="rate") is None
    no_n = [
        (0.0, V("treatment", "p", 3.0, None), None),
        (1.0, V("treatment", "p", 4.0, None), None),
    ]
    assert aggregate_event_study(no_n, start=1, kind="mean") is None
    with pytest.raises(SmallGroupError):
        aggregate_event_study(series([(0.3, None), (0.4, None)], n=3), start=1, kind="rate")
