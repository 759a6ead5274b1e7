"""Event study with staggered starts: known effects on simulated panels, the pre-trend
test, suppression of small cohorts, and coverage of a zero effect."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

from satsa.evaluation.cli import main
from satsa.evaluation.errors import EvaluationError, SmallGroupError
from satsa.evaluation.staggered import PanelRow, event_study, period_key
from satsa.evaluation.tests import strategies as s


def panel(
    seed: int,
    *,
    cohorts: dict[int | None, int],
    effect: dict[int, float],
    periods: int = 8,
    pre_trend: float = 0.0,
    noise: float = 1.0,
) -> list[PanelRow]:
    """Units with their own level, a common trend, and ``effect[e]`` at e periods after
    the start; ``pre_trend`` adds a drift to treated units before their start."""
    rng = np.random.default_rng(seed)
    rows = []
    unit = 0
    for start, size in cohorts.items():
        for _ in range(size):
            level = rng.normal(50, 10)
            for t in range(periods):
                value = level + 0.8 * t + rng.normal(0, noise)
                if start is not None:
                    e = t - start
                    value += (
                        effect.get(e, effect[max(effect)] if e > max(effect) else 0.0)
                        if e >= 0
                        else 0.0
                    )
                    if e < 0:
                        value += pre_trend * t
                rows.append(
                    PanelRow(
                        f"u{unit}",
                        float(2015 + t),
                        value,
                        None if start is None else float(2015 + start),
                    )
                )
            unit += 1
    return rows


def test_it_recovers_effects_that_grow_with_time_since_the_start() -> None:
    rows = panel(1, cohorts={None: 40, 3: 30, 5: 30}, effect={0: 1.0, 1: 2.0, 2: 3.0}, noise=0.3)
    es = event_study(rows)
    by_e = {e["e"]: e for e in es.events}
    assert_allclose([by_e[e]["estimate"] for e in (0, 1, 2)], [1.0, 2.0, 3.0], atol=0.25)
    assert_allclose([by_e[e]["estimate"] for e in (-3, -2)], [0.0, 0.0], atol=0.25)
    assert by_e[-1]["reference"] and by_e[-1]["estimate"] == 0.0
    assert es.pre_trend["tested_periods"] > 0
    assert es.as_dict()["confidence_rating"]["level"] == 4


def test_the_aggregate_weights_cohorts_by_size_over_post_periods() -> None:
    rows = panel(2, cohorts={None: 30, 2: 20, 6: 20}, effect={0: 4.0}, noise=0.2)
    es = event_study(rows)
    agg = es.aggregate
    assert agg["method"] == "callaway_santanna"
    assert_allclose(agg["estimate"], 4.0, atol=0.15)
    assert agg["ci_low"] < 4.0 < agg["ci_high"]


def test_the_pre_trend_test_notices_groups_that_were_not_parallel() -> None:
    rows = panel(3, cohorts={None: 40, 5: 40}, effect={0: 2.0}, pre_trend=0.8, noise=0.5)
    es = event_study(rows)
    assert es.pre_trend["parallel"] is False and es.pre_trend["p_value"] < 0.001
    # not parallel before the start: one level lower than the design would give
    assert es.rating.level == 3


def test_parallel_groups_pass_the_pre_trend_test() -> None:
    rows = panel(4, cohorts={None: 40, 5: 40}, effect={0: 2.0})
    assert event_study(rows).pre_trend["parallel"] is True


def test_a_cohort_below_5_is_left_out_and_named() -> None:
    rows = panel(5, cohorts={None: 20, 3: 20, 5: 3}, effect={0: 2.0})
    shown = event_study(rows).as_dict()
    assert shown["counts"]["start 2020"] == "<5"
    assert [r["estimate"] for r in shown["refused"]] == ["cohort 2020"]
    assert shown["counts"]["never_treated"] == 20


def test_fewer_than_5_never_treated_units_refuse_the_estimate() -> None:
    with pytest.raises(SmallGroupError):
        event_study(panel(6, cohorts={None: 4, 3: 20}, effect={0: 1.0}))


def test_an_unbalanced_panel_is_refused() -> None:
    rows = panel(7, cohorts={None: 10, 3: 10}, effect={0: 1.0})
    with pytest.raises(EvaluationError, match="balanced"):
        event_study(rows[1:])


def test_periods_may_be_dates_or_numbers() -> None:
    assert period_key("2019") == 2019.0
    assert period_key("2019-01-31") < period_key("2019-02") < period_key("2019-02-02")
    with pytest.raises(EvaluationError, match="datum"):
        period_key("vår 2019")


@settings(max_examples=6, deadline=None)
@given(seed=s.seeds)
def test_a_zero_effect_is_covered_at_about_the_nominal_rate(seed: int) -> None:
    # 150 simulated panels with no effect: the aggregated interval covers 0 in about 95 %
    # (binomial 99.9 % band of 150 at 95 %: 86 %–100 %).
    rng = np.random.default_rng(seed)
    covered = 0
    for _ in range(150):
        rows = panel(int(rng.integers(2**31)), cohorts={None: 15, 3: 10, 5: 10}, effect={0: 0.0})
        agg = event_study(rows).aggregate
        covered += agg["ci_low"] <= 0.0 <= agg["ci_high"]
    assert 129 <= covered <= 150


def test_satsa_evaluate_runs_the_event_study_on_unit_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = panel(8, cohorts={None: 20, 3: 15, 5: 15}, effect={0: 3.0}, noise=0.3)
    lines = ["unit,period,value,start"] + [
        f"{r.unit},{r.period:g},{r.value},{'' if r.start is None else f'{r.start:g}'}" for r in rows
    ]
    path = tmp_path / "panel.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main([str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "event_study"
    did = out["difference_in_differences"]
    assert {"estimate", "std_error", "df", "ci_low", "ci_high", "p_value"} <= set(did)
    assert_allclose(did["estimate"], 3.0, atol=0.2)
    assert out["counts"] == {"never_treated": 20, "start 2018": 15, "start 2020": 15}
    chart = tmp_path / "event_study.html"
    assert main([str(path), "--chart", str(chart)]) == 0
    text = capsys.readouterr().out
    page = chart.read_text(encoding="utf-8")
    assert page.count("<circle") == len(out["event_study"])  # one point per period
    assert 'role="img"' in page and "<table>" in page and '<th scope="row">0</th>' in page
    assert "Händelsestudie" in text and "Sammanvägd effekt" in text
    assert "Tillförlitlighet (Maryland-skalan): Nivå" in text
