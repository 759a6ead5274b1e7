"""``satsa evaluate``: difference-in-differences from a CSV of measurements.

Individual rows (``person,group,period,value`` and any covariate columns) or aggregate
rows (``group,period,value,n[,sd]``, no ``person`` column) give the same JSON keys.

Exit codes: 0 all estimates shown; 1 an estimate was refused because it rests on a
group smaller than 5 (what may be shown is still printed); 2 the input is wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from satsa.evaluation.aggregate import AggregateReport, evaluate_aggregates, read_aggregate_csv
from satsa.evaluation.effects import Change, DifferenceInDifferences
from satsa.evaluation.errors import EvaluationError, SmallGroupError
from satsa.evaluation.its import InterruptedTimeSeries, interrupted_time_series, read_series_csv
from satsa.evaluation.measurements import (
    GROUPS,
    PERIODS,
    EvaluationReport,
    evaluate_measurements,
    read_measurements_csv,
)
from satsa.evaluation.plots import event_study_page
from satsa.evaluation.staggered import EventStudy, event_study, period_key, read_panel_csv
from satsa.evaluation.suppression import MIN_GROUP_SIZE, SUPPRESSED, suppress

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2
Report = EvaluationReport | AggregateReport | EventStudy | InterruptedTimeSeries

_TEXT = {
    "sv": {
        "title": "Effektutvärdering: skillnad-i-skillnader ({pct} % konfidensintervall)",
        "counts": "Antal personer per grupp och period (grupper under {min} visas som {sup}):",
        "group": "grupp",
        "changes": "Förändring från baslinje (uppföljning − baslinje):",
        "paired": "parvis",
        "independent": "oberoende urval",
        "did": "Skillnad-i-skillnader",
        "se": "medelfel",
        "df": "frihetsgrader",
        "std": "Standardiserad effekt",
        "refused": "ingen skattning visas",
        "error": "fel",
        "aggregate": "Aggregerade värden per grupp och period.",
        "point": "bara punktskattning: standardavvikelse eller antal saknas",
        "no_comparison": "ingen jämförelsegrupp",
        "rating": "Tillförlitlighet (Maryland-skalan)",
        "method": "Metod",
        "regression": "regression",
        "covariates": "kovariater",
        "cluster": "kluster",
        "event_study": "Händelsestudie: effekt per period i förhållande till starten (e = 0 första perioden med insatsen):",
        "reference": "referens",
        "pre_trend": "Test av parallella trender före starten",
        "parallel": "inga tecken på olika trender",
        "not_parallel": "grupperna följde inte varandra före starten",
        "aggregated": "Sammanvägd effekt (förskjutna starter)",
        "its": "Avbruten tidsserie (Newey–West-medelfel):",
        "level": "nivåförändring vid starten",
        "slope": "lutningsförändring per period",
    },
    "en": {
        "title": "Effect evaluation: difference-in-differences ({pct} % confidence interval)",
        "counts": "People per group and period (groups under {min} shown as {sup}):",
        "group": "group",
        "changes": "Change from baseline (follow-up − baseline):",
        "paired": "paired",
        "independent": "independent samples",
        "did": "Difference-in-differences",
        "se": "standard error",
        "df": "degrees of freedom",
        "std": "Standardised effect",
        "refused": "no estimate shown",
        "error": "error",
        "aggregate": "Aggregate values per group and period.",
        "point": "point estimate only: standard deviation or head-count missing",
        "no_comparison": "no comparison group",
        "rating": "Confidence (Maryland scale)",
        "method": "Method",
        "regression": "regression",
        "covariates": "covariates",
        "cluster": "cluster",
        "event_study": "Event study: effect per period relative to the start (e = 0 the first period with the intervention):",
        "reference": "reference",
        "pre_trend": "Test of parallel trends before the start",
        "parallel": "no sign of different trends",
        "not_parallel": "the groups did not move together before the start",
        "aggregated": "Aggregated effect (staggered starts)",
        "its": "Interrupted time series (Newey–West standard errors):",
        "level": "level change at the start",
        "slope": "slope change per period",
    },
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="satsa evaluate",
        description=(
            "Difference-in-differences with a 95 % confidence interval from a CSV with "
            "the columns person,group,period,value (group: treatment|control, period: "
            "baseline|follow_up) and any covariate columns, or aggregate rows "
            "group,period,value,n[,sd] (no person column), or unit rows "
            "unit,period,value,start for an event study, or with --its-start a series "
            "period,value[,control]. Estimates resting on fewer than "
            f"{MIN_GROUP_SIZE} people are refused."
        ),
    )
    parser.add_argument("file", metavar="FILE.csv", help="the measurements; '-' reads stdin")
    parser.add_argument(
        "--covariates",
        metavar="COL[,COL...]",
        default="",
        help="individual rows: adjust the difference-in-differences for these columns (regression)",
    )
    parser.add_argument(
        "--cluster",
        metavar="COL",
        default=None,
        help="individual rows: cluster-robust standard errors by this column ('person' for "
        "each person's rows)",
    )
    parser.add_argument(
        "--method",
        choices=("two_period", "regression"),
        default=None,
        help="individual rows: two_period (default; Welch intervals per group) or regression "
        "(OLS; implied by --covariates and --cluster)",
    )
    parser.add_argument(
        "--kind",
        choices=("rate", "percent", "mean"),
        default=None,
        help="aggregate rows: what the value is (default: mean when an sd is given, rate when "
        "all values lie in 0..1, mean otherwise)",
    )
    parser.add_argument(
        "--its-start",
        metavar="PERIOD",
        default=None,
        help="interrupted time series: rows period,value[,control] (a number or a date per "
        "period); PERIOD is the first period after the start",
    )
    parser.add_argument(
        "--newey-west-lags",
        metavar="N",
        type=int,
        default=None,
        help="interrupted time series: lags of the Newey-West errors (default ⌊4(n/100)^(2/9)⌋)",
    )
    parser.add_argument(
        "--chart",
        metavar="FILE.html",
        default=None,
        help="event study: also write the plot with its intervals and the table of the same "
        "numbers as a standalone HTML page",
    )
    parser.add_argument(
        "--randomised",
        action="store_true",
        help="the groups were formed by lot (raises the confidence rating to level 5)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument(
        "--lang",
        choices=("sv", "en"),
        default="sv",
        help="language of the text output and messages (default sv)",
    )
    return parser


def _number_formatter(lang: str) -> Callable[[float], str]:
    def fmt(x: float) -> str:
        text = f"{x:.2f}"
        return text.replace(".", ",") if lang == "sv" else text

    return fmt


def _p_value(p: float | None, lang: str) -> str:
    if p is None:
        return "p –"
    text = "p < 0.0001" if p < 0.0001 else f"p = {p:.4f}"
    return text.replace(".", ",") if lang == "sv" else text


def _interval(est: Change | DifferenceInDifferences, lang: str) -> str:
    fmt = _number_formatter(lang)
    sep = "; " if lang == "sv" else ", "
    return f"{fmt(est.estimate)} [{fmt(est.ci_low)}{sep}{fmt(est.ci_high)}]"


def _effect_sizes(d: float | None, g: float | None, lang: str) -> str:
    fmt = _number_formatter(lang)
    cohen, hedges = ("Cohens d", "Hedges g") if lang == "sv" else ("Cohen's d", "Hedges' g")
    if d is None or g is None:
        return f"{cohen} –"
    return f"{cohen} {fmt(d)}, {hedges} {fmt(g)}"


def _write_text(report: EvaluationReport, lang: str, out: TextIO) -> None:
    t = _TEXT[lang]
    fmt = _number_formatter(lang)
    shown = report.as_dict()
    pct = f"{report.confidence * 100:g}"
    print(t["title"].format(pct=pct), file=out)
    print(file=out)
    print(t["counts"].format(min=MIN_GROUP_SIZE, sup=SUPPRESSED), file=out)
    print(f"  {t['group']:<10}" + "".join(f"{p:>11}" for p in PERIODS), file=out)
    for group in GROUPS:
        cells = "".join(f"{shown['counts'][group][p]!s:>11}" for p in PERIODS)
        print(f"  {group:<10}{cells}", file=out)
    print(file=out)
    print(t["changes"], file=out)
    for group in GROUPS:
        change = report.changes[group]
        if change is None:
            print(f"  {group + ':':<11} – ({t['refused']})", file=out)
            continue
        n = (
            f"{suppress(change.n_baseline)}"
            if change.design == "paired"
            else f"{suppress(change.n_baseline)}/{suppress(change.n_follow_up)}"
        )
        print(
            f"  {group + ':':<11} {_interval(change, lang)}  {t[change.design]}, n = {n}, "
            f"{_effect_sizes(change.cohens_d, change.hedges_g, lang)}",
            file=out,
        )
    print(file=out)
    did = report.difference_in_differences
    if did is None:
        print(f"{t['did']}: – ({t['refused']})", file=out)
    else:
        print(
            f"{t['did']}: {_interval(did, lang)}  {t['se']} {fmt(did.std_error)}, "
            f"{t['df']} {fmt(did.df)}, {_p_value(did.p_value, lang)}",
            file=out,
        )
        print(f"{t['std']}: {_effect_sizes(did.cohens_d, did.hedges_g, lang)}", file=out)
        if report.method == "regression":
            covs = ", ".join(report.covariates) or "–"
            print(
                f"{t['method']}: {t['regression']}; {t['covariates']}: {covs}; "
                f"{t['cluster']}: {report.cluster or '–'}",
                file=out,
            )
    _write_rating(shown["confidence_rating"], lang, out)
    if report.refusals:
        print(file=out)
    for refusal in report.refusals:
        print(
            f"{t['refused'].capitalize()} ({refusal.estimate}): {refusal.error.message(lang)}",
            file=out,
        )


def main(argv: list[str]) -> int:
    """Run ``satsa evaluate``; ``argv`` is what follows the word ``evaluate``."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        # argparse exits 0 for --help and 2 for a usage error; return it, don't raise.
        return exit_.code if isinstance(exit_.code, int) else EXIT_BAD_INPUT
    lang: str = args.lang
    label = _TEXT[lang]["error"]

    covariates = tuple(c.strip().lower() for c in args.covariates.split(",") if c.strip())
    cluster = args.cluster.strip().lower() if args.cluster else None
    extra = covariates + ((cluster,) if cluster and cluster != "person" else ())
    try:
        if args.file == "-":
            lines = sys.stdin.read().splitlines()
        else:
            with open(args.file, encoding="utf-8-sig", newline="") as handle:
                lines = handle.read().splitlines()
        header = _header(lines)
        if (covariates or cluster or args.method) and "person" not in header:
            raise EvaluationError(
                sv="--covariates, --cluster och --method gäller rader per person (kolumnen person).",
                en="--covariates, --cluster and --method apply to rows per person (the person column).",
            )
        report: Report
        if args.its_start is not None:
            periods, values, control = read_series_csv(lines)
            report = interrupted_time_series(
                periods,
                values,
                start=period_key(args.its_start),
                control=control,
                maxlags=args.newey_west_lags,
            )
        elif {"unit", "start"} <= header:
            report = event_study(read_panel_csv(lines))
        elif "person" not in header and "n" in header:
            report = evaluate_aggregates(
                read_aggregate_csv(lines), kind=args.kind, randomised=args.randomised
            )
        else:
            report = evaluate_measurements(
                read_measurements_csv(lines, extra=extra),
                regression=args.method == "regression",
                covariates=covariates,
                cluster=cluster,
                randomised=args.randomised,
            )
    except SmallGroupError as error:
        # the whole estimate rests on a small group: refused, as any estimate is
        print(f"satsa evaluate: {label}: {args.file}: {error.message(lang)}", file=sys.stderr)
        return EXIT_REFUSED
    except EvaluationError as error:
        print(f"satsa evaluate: {label}: {args.file}: {error.message(lang)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnicodeDecodeError:
        # Swedish Excel's plain "CSV" is Windows-1252; say how to save it instead.
        reason = (
            "the file is not UTF-8; save it as 'CSV UTF-8' in Excel"
            if lang == "en"
            else "filen är inte UTF-8; spara den som 'CSV UTF-8' i Excel"
        )
        print(f"satsa evaluate: {label}: {args.file}: {reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"satsa evaluate: {label}: {args.file}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT

    if args.chart and isinstance(report, EventStudy):
        try:
            with open(args.chart, "w", encoding="utf-8") as handle:
                handle.write(event_study_page(report.as_dict(), lang=lang))
        except OSError as error:
            print(f"satsa evaluate: {label}: {args.chart}: {error.strerror}", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        _write(report, args.format, lang)
    except BrokenPipeError:
        # the reader (e.g. `| head`) has gone; stop quietly like other command-line tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_REFUSED if report.refused else EXIT_OK


def _header(lines: list[str]) -> set[str]:
    """The column names: aggregate rows have ``n`` and no ``person``; panel rows for the
    event study have ``unit`` and ``start``."""
    first = next((line for line in lines if line.strip()), "").removeprefix("\ufeff")
    delimiter = ";" if ";" in first and "," not in first else ","
    return {name.strip().lower() for name in first.split(delimiter)}


def _write_other_text(report: EventStudy | InterruptedTimeSeries, lang: str, out: TextIO) -> None:
    t = _TEXT[lang]
    fmt = _number_formatter(lang)
    shown = report.as_dict()
    sep = "; " if lang == "sv" else ", "

    def line(est: dict[str, Any]) -> str:
        return (
            f"{fmt(est['estimate'])} [{fmt(est['ci_low'])}{sep}{fmt(est['ci_high'])}]  "
            f"{t['se']} {fmt(est['std_error'])}"
        )

    if isinstance(report, EventStudy):
        print(t["event_study"], file=out)
        for event in shown["event_study"]:
            suffix = f"  ({t['reference']})" if event["reference"] else ""
            print(f"  e = {event['e']:>3}: {line(event)}{suffix}", file=out)
        pre = shown["pre_trend"]
        if pre["p_value"] is not None:
            verdict = t["parallel"] if pre["parallel"] else t["not_parallel"]
            print(f"{t['pre_trend']}: {_p_value(pre['p_value'], lang)} ({verdict})", file=out)
        print(f"{t['aggregated']}: {line(shown['difference_in_differences'])}", file=out)
    else:
        print(t["its"], file=out)
        print(f"  {t['level']}: {line(shown['level_change'])}", file=out)
        print(f"  {t['slope']}: {line(shown['slope_change'])}", file=out)
    _write_rating(shown["confidence_rating"], lang, out)
    for refusal in shown["refused"]:
        print(
            f"{t['refused'].capitalize()} ({refusal['estimate']}): {refusal['message_' + lang]}",
            file=out,
        )


def _write_aggregate_text(report: AggregateReport, lang: str, out: TextIO) -> None:
    t = _TEXT[lang]
    fmt = _number_formatter(lang)
    shown = report.as_dict()
    print(t["title"].format(pct=f"{report.confidence * 100:g}"), file=out)
    print(t["aggregate"], file=out)
    print(file=out)
    print(t["counts"].format(min=MIN_GROUP_SIZE, sup=SUPPRESSED), file=out)
    print(f"  {t['group']:<10}" + "".join(f"{p:>11}" for p in PERIODS), file=out)
    for group, periods in shown["counts"].items():
        cells = "".join(f"{periods.get(p, '–')!s:>11}" for p in PERIODS)
        print(f"  {group:<10}{cells}", file=out)
    print(file=out)
    print(t["changes"], file=out)

    def line(est: dict[str, Any] | None) -> str:
        if est is None:
            return f"– ({t['refused']})"
        if est["std_error"] is None:
            return f"{fmt(est['estimate'])}  ({t['point']})"
        sep = "; " if lang == "sv" else ", "
        return (
            f"{fmt(est['estimate'])} [{fmt(est['ci_low'])}{sep}{fmt(est['ci_high'])}]  "
            f"{t['se']} {fmt(est['std_error'])}, {_p_value(est['p_value'], lang)}"
        )

    for group, change in shown["changes"].items():
        print(f"  {group + ':':<11} {line(change)}", file=out)
    print(file=out)
    if "control" in shown["changes"]:
        print(f"{t['did']}: {line(shown['difference_in_differences'])}", file=out)
    else:
        print(f"{t['did']}: – ({t['no_comparison']})", file=out)
    _write_rating(shown["confidence_rating"], lang, out)
    for refusal in report.refusals:
        print(
            f"{t['refused'].capitalize()} ({refusal.estimate}): {refusal.error.message(lang)}",
            file=out,
        )


def _write_rating(rating: dict[str, Any], lang: str, out: TextIO) -> None:
    print(f"{_TEXT[lang]['rating']}: {rating['label_' + lang]}", file=out)


def _write(report: Report, output_format: str, lang: str) -> None:
    if output_format == "json":
        json.dump(report.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        # stdout stays valid JSON; the reasons (also under "refused") go to stderr too.
        for refusal in report.as_dict()["refused"]:
            print(
                f"satsa evaluate: {_TEXT[lang]['refused']} ({refusal['estimate']}): "
                f"{refusal['message_' + lang]}",
                file=sys.stderr,
            )
    elif isinstance(report, EventStudy | InterruptedTimeSeries):
        _write_other_text(report, lang, sys.stdout)
    elif isinstance(report, AggregateReport):
        _write_aggregate_text(report, lang, sys.stdout)
    else:
        _write_text(report, lang, sys.stdout)
    sys.stdout.flush()
