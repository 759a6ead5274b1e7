"""``satsa calc``: calculate a case (ECONOMICS.md §5 JSON) and print the result.

Exit codes: 0 the case was calculated (whether or not it meets the approval rule);
2 the input is wrong — the file, the JSON, or the case; every problem is printed on
stderr with the path of the field at fault.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from satsa.economics.errors import CalculationError
from satsa.economics.report import calculate

EXIT_OK, EXIT_BAD_INPUT = 0, 2

_TEXT = {
    "sv": {
        "error": "fel",
        "warning": "varning",
        "case": "Kalkyl",
        "years": "Projektet pågår {start}–{end}; effekter räknas till och med {last} "
        "({after} år efter projektets slut).",
        "money": "Belopp i {currency}, prisår {price_year}. Diskonteringsränta {rate}, basår {base}. "
        "Optimismjustering: kostnader +{ob_c}, effekter −{ob_e}.",
        "flows": "Flöden per år",
        "year": "År",
        "cost": "Kostnad",
        "savings": "Besparing",
        "net": "Netto",
        "cumulative": "Ack. netto",
        "df": "Disk.faktor",
        "pv_net": "Nuv. netto",
        "cumulative_pv": "Ack. nuv. netto",
        "total": "Summa",
        "by_actor": "Besparing per aktör",
        "by_party": "Vem betalar, vem sparar",
        "perspective_line": "Beslutsregeln räknar besparingar för: {which}; besparingar som "
        "inte räknas: {other}.",
        "cashable_line": "Frigör pengar: {cash}; frigör bara kapacitet: {capacity}.",
        "rulebook_line": "Regelverk: {title} ({id}).",
        "organisation": "organisationen",
        "other_public": "annan offentlig aktör",
        "individual": "individen",
        "society": "samhället i övrigt",
        "party": "Part",
        "fund": "fonden",
        "nominal": "Nominellt",
        "discounted": "Diskonterat",
        "figures": "Nyckeltal",
        "npv": "Netto / nuvärde (NPV)",
        "bcr": "Nytta–kostnadskvot (BCR)",
        "roi": "Avkastning (ROI)",
        "payback": "Återbetalningsår",
        "break_even": "Break-even-faktor",
        "none": "–",
        "rule": "Beslutsregel (besparingar ≥ kostnad inom horisonten, {basis}): {verdict}, "
        "marginal {margin}",
        "basis_nominal": "nominellt",
        "basis_discounted": "diskonterat",
        "holds": "uppfylld",
        "fails": "inte uppfylld",
        "alternatives": "Jämförelsealternativ (insatsen minus alternativet)",
        "alt_line": "{name}: alternativets NPV {alt_npv}; insatsens NPV relativt {rel_npv} "
        "(nominellt netto relativt {rel_net})",
        "monte_carlo": "Monte Carlo ({draws} dragningar, frö {seed})",
        "p_npv": "Sannolikhet att NPV ≥ 0",
        "p_rule": "Sannolikhet att beslutsregeln är uppfylld",
        "npv_dist": "NPV: medel {mean}; 5:e percentil {p5}; median {p50}; 95:e percentil {p95}",
        "alt_dist": "Relativt {name}: P(≥ 0) {p}; medel {mean}; 5–95 % {p5} till {p95}",
        "sensitivity": "Känslighetsanalys: NPV med en osäker indata i taget vid låg och hög",
        "input": "Indata",
        "range": "Låg – hög",
        "npv_low": "NPV låg",
        "npv_high": "NPV hög",
        "swing": "Spännvidd",
        "repayment": "Återbetalning: kostnad för fonden {cost}, golv {floor}, avgift {fee}",
        "plan": "Återbetalningsplan: {total} (kostnad {cost} + avgift {fee_amount})",
        "no_plan": "Ingen plan: inga förväntade besparingar hos nämnderna.",
        "board": "Nämnd",
        "share": "Andel",
        "settlement": "Avräkning: realiserade besparingar {realised}, golv {floor_amount} → "
        "återbetalning {principal} + avgift {fee} = {due} (fördelat efter {shared_by})",
        "shared_realised_savings": "realiserade besparingar",
        "shared_plan": "planen",
        "realisation": "Effekthemtagningsplan: planerat {planned} av {cash} som frigör pengar "
        "({unplanned} inte planerat)",
        "planned": "Planerat",
        "cashable": "Frigör pengar",
        "measure": "Åtgärd",
        "measure_budget_frame": "justerad budgetram",
        "measure_reduced_purchases": "minskade köp",
        "measure_fewer_posts": "färre tjänster",
        "measure_other": "annat",
    },
    "en": {
        "error": "error",
        "warning": "warning",
        "case": "Calculation",
        "years": "The project runs {start}–{end}; effects are counted up to {last} "
        "({after} years after the end).",
        "money": "Amounts in {currency}, price year {price_year}. Discount rate {rate}, base year "
        "{base}. Optimism bias: costs +{ob_c}, effects −{ob_e}.",
        "flows": "Flows per year",
        "year": "Year",
        "cost": "Cost",
        "savings": "Savings",
        "net": "Net",
        "cumulative": "Cum. net",
        "df": "Disc. factor",
        "pv_net": "PV net",
        "cumulative_pv": "Cum. PV net",
        "total": "Total",
        "by_actor": "Savings per actor",
        "by_party": "Who pays, who saves",
        "perspective_line": "The approval rule counts savings of: {which}; savings not "
        "counted: {other}.",
        "cashable_line": "Cash-releasing: {cash}; capacity-releasing only: {capacity}.",
        "rulebook_line": "Rulebook: {title} ({id}).",
        "organisation": "the organisation",
        "other_public": "other public bodies",
        "individual": "the individual",
        "society": "the rest of society",
        "party": "Party",
        "fund": "the fund",
        "nominal": "Nominal",
        "discounted": "Discounted",
        "figures": "Key figures",
        "npv": "Net / net present value (NPV)",
        "bcr": "Benefit–cost ratio (BCR)",
        "roi": "Return on investment (ROI)",
        "payback": "Payback year",
        "break_even": "Break-even factor",
        "none": "–",
        "rule": "Approval rule (savings ≥ cost within the horizon, {basis}): {verdict}, "
        "margin {margin}",
        "basis_nominal": "nominal",
        "basis_discounted": "discounted",
        "holds": "holds",
        "fails": "does not hold",
        "alternatives": "Comparison alternatives (the intervention minus the alternative)",
        "alt_line": "{name}: the alternative's NPV {alt_npv}; the intervention's NPV relative to "
        "it {rel_npv} (nominal net relative {rel_net})",
        "monte_carlo": "Monte Carlo ({draws} draws, seed {seed})",
        "p_npv": "Probability that NPV ≥ 0",
        "p_rule": "Probability that the approval rule holds",
        "npv_dist": "NPV: mean {mean}; 5th percentile {p5}; median {p50}; 95th percentile {p95}",
        "alt_dist": "Relative to {name}: P(≥ 0) {p}; mean {mean}; 5–95 % {p5} to {p95}",
        "sensitivity": "Sensitivity: NPV with one uncertain input at a time at low and high",
        "input": "Input",
        "range": "Low – high",
        "npv_low": "NPV low",
        "npv_high": "NPV high",
        "swing": "Swing",
        "repayment": "Repayment: cost charged to the fund {cost}, floor {floor}, fee {fee}",
        "plan": "Repayment plan: {total} (cost {cost} + fee {fee_amount})",
        "no_plan": "No plan: no expected savings at the boards.",
        "board": "Board",
        "share": "Share",
        "settlement": "Settlement: realised savings {realised}, floor {floor_amount} → "
        "repayment {principal} + fee {fee} = {due} (shared by {shared_by})",
        "shared_realised_savings": "realised savings",
        "shared_plan": "the plan",
        "realisation": "Realisation plan: {planned} planned of {cash} cash-releasing "
        "({unplanned} not planned)",
        "planned": "Planned",
        "cashable": "Releases cash",
        "measure": "Measure",
        "measure_budget_frame": "adjusted budget frame",
        "measure_reduced_purchases": "reduced purchases",
        "measure_fewer_posts": "fewer posts",
        "measure_other": "other",
    },
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="satsa calc",
        description=(
            "Calculate a social investment (ECONOMICS.md §5 JSON): flows per year and actor, "
            "NPV, BCR, ROI, payback, the approval rule, Monte Carlo, sensitivity, comparison "
            "alternatives and the repayment plan. See docs/economics.md."
        ),
    )
    parser.add_argument("file", metavar="CASE.json", help="the case; '-' reads stdin")
    parser.add_argument(
        "--draws", type=int, default=0, help="Monte Carlo draws (default 0: no Monte Carlo)"
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument(
        "--lang", choices=("sv", "en"), default="sv", help="language of text and messages"
    )
    parser.add_argument(
        "--rulebook",
        metavar="ID",
        default=None,
        help="apply a rulebook's calculation terms (horizon cap, approval basis and "
        "perspectives, repayment): a bundled rulebook's id, e.g. orebro-2020, or a .toml file",
    )
    return parser


# --- number formatting ------------------------------------------------------------------


def _formatters(lang: str) -> tuple[Callable[[float], str], Callable[[float], str]]:
    """(whole kronor, decimal number) in the conventions of ``lang``."""

    def kronor(x: float) -> str:
        text = f"{x:,.0f}"
        text = "0" if text == "-0" else text
        return text.replace(",", " ") if lang == "sv" else text

    def decimal(x: float) -> str:
        text = f"{x:.2f}"
        return text.replace(".", ",") if lang == "sv" else text

    return kronor, decimal


def _percent(x: float, lang: str, digits: int = 1) -> str:
    text = f"{x * 100:.{digits}f}".rstrip("0").rstrip(".,") if digits else f"{x * 100:.0f}"
    return (text.replace(".", ",") if lang == "sv" else text) + " %"


def _table(rows: list[list[str]], out: TextIO, indent: str = "  ") -> None:
    """Print rows with the first column left-aligned and the rest right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print(indent + "  ".join(cells).rstrip(), file=out)


# --- text output ------------------------------------------------------------------------


def _write_text(result: dict[str, Any], lang: str, out: TextIO) -> None:
    t = _TEXT[lang]
    kr, dec = _formatters(lang)
    params = result["parameters"]
    money = f" {result['currency']}"

    def maybe(value: float | None, fmt: Callable[[float], str]) -> str:
        return t["none"] if value is None else fmt(value)

    print(f"{t['case']}: {result['name']}" if result["name"] else t["case"], file=out)
    print(
        t["years"].format(
            start=params["start_year"],
            end=params["end_year"],
            last=params["horizon_end"],
            after=params["horizon_years_after_end"],
        ),
        file=out,
    )
    print(
        t["money"].format(
            currency=result["currency"],
            price_year=params["price_year"],
            rate=_percent(params["discount_rate"], lang, 2),
            base=params["discount_base_year"],
            ob_c=_percent(params["optimism_bias"]["costs"], lang),
            ob_e=_percent(params["optimism_bias"]["effects"], lang),
        ),
        file=out,
    )

    print(f"\n{t['flows']}", file=out)
    header = ["year", "cost", "savings", "net", "cumulative", "df", "pv_net", "cumulative_pv"]
    rows = [[t[h] for h in header]]
    for row in result["flows"]:
        rows.append(
            [
                str(row["year"]),
                kr(row["cost"]),
                kr(row["savings"]),
                kr(row["net"]),
                kr(row["cumulative_net"]),
                f"{row['discount_factor']:.4f}".replace(".", "," if lang == "sv" else "."),
                kr(row["discounted_net"]),
                kr(row["cumulative_discounted_net"]),
            ]
        )
    totals = result["totals"]
    rows.append(
        [t["total"], kr(totals["cost"]), kr(totals["savings"]), kr(totals["net"])]
        + ["", "", kr(totals["npv"]), ""]
    )
    _table(rows, out)

    if totals["savings_by_actor"]:
        print(f"\n{t['by_actor']}", file=out)
        actor_rows = [["", t["nominal"], t["discounted"]]]
        for actor, amount in totals["savings_by_actor"].items():
            actor_rows.append([actor, kr(amount), kr(totals["pv_savings_by_actor"][actor])])
        _table(actor_rows, out)

    print(f"\n{t['figures']}", file=out)
    figure_rows = [
        ["", t["nominal"], t["discounted"]],
        [t["cost"], kr(totals["cost"]), kr(totals["pv_cost"])],
        [t["savings"], kr(totals["savings"]), kr(totals["pv_savings"])],
        [t["npv"], kr(totals["net"]), kr(totals["npv"])],
        [t["bcr"], maybe(totals["bcr_nominal"], dec), maybe(totals["bcr"], dec)],
        [
            t["roi"],
            maybe(totals["roi_nominal"], lambda x: _percent(x, lang)),
            maybe(totals["roi"], lambda x: _percent(x, lang)),
        ],
        [
            t["payback"],
            maybe(totals["payback_year_nominal"], str),
            maybe(totals["payback_year"], str),
        ],
        [
            t["break_even"],
            maybe(totals["break_even_nominal"], dec),
            maybe(totals["break_even"], dec),
        ],
    ]
    _table(figure_rows, out)

    approval = result["approval"]
    print(
        "\n"
        + t["rule"].format(
            basis=t[f"basis_{approval['basis']}"],
            verdict=t["holds"] if approval["holds"] else t["fails"],
            margin=kr(approval["margin"]) + money,
        ),
        file=out,
    )

    print(
        t["perspective_line"].format(
            which=", ".join(t[p] for p in approval["perspective"]),
            other=kr(approval["savings_not_counted"]) + money,
        ),
        file=out,
    )
    print(
        t["cashable_line"].format(
            cash=kr(totals["savings_cashable"]) + money,
            capacity=kr(totals["savings_non_cashable"]) + money,
        ),
        file=out,
    )
    if "rulebook" in result:
        print(t["rulebook_line"].format(**result["rulebook"]), file=out)

    print(f"\n{t['by_party']}", file=out)
    party_rows = [[t["party"], t["cost"], t["savings"], t["net"]]]
    for party in result["flows_by_actor"]:
        name = t["fund"] if party["party"] == "fund" else party["party"]
        party_rows.append([name, kr(party["cost"]), kr(party["savings"]), kr(party["net"])])
    _table(party_rows, out)

    if "alternatives" in result:
        print(f"\n{t['alternatives']}", file=out)
        for alt in result["alternatives"]:
            print(
                "  "
                + t["alt_line"].format(
                    name=alt["name"],
                    alt_npv=kr(alt["totals"]["npv"]),
                    rel_npv=kr(alt["relative"]["npv"]),
                    rel_net=kr(alt["relative"]["net"]),
                ),
                file=out,
            )

    if "monte_carlo" in result:
        mc = result["monte_carlo"]
        print(f"\n{t['monte_carlo'].format(draws=kr(mc['draws']), seed=mc['seed'])}", file=out)
        print(f"  {t['p_npv']}: {_percent(mc['p_npv_nonnegative'], lang)}", file=out)
        print(f"  {t['p_rule']}: {_percent(mc['p_approval_holds'], lang)}", file=out)
        print(
            "  "
            + t["npv_dist"].format(
                mean=kr(mc["mean"]), p5=kr(mc["p5"]), p50=kr(mc["p50"]), p95=kr(mc["p95"])
            ),
            file=out,
        )
        names = {alt["key"]: alt["name"] for alt in result.get("alternatives", [])}
        for key, dist in mc["alternatives"].items():
            print(
                "  "
                + t["alt_dist"].format(
                    name=names.get(key, key),
                    p=_percent(dist["p_relative_npv_nonnegative"], lang),
                    mean=kr(dist["mean"]),
                    p5=kr(dist["p5"]),
                    p95=kr(dist["p95"]),
                ),
                file=out,
            )

    if result["sensitivity"]:
        print(f"\n{t['sensitivity']}", file=out)
        sens_rows = [[t["input"], t["range"], t["npv_low"], t["npv_high"], t["swing"]]]
        for entry in result["sensitivity"]:
            sens_rows.append(
                [
                    entry["label"],
                    f"{entry['low']:g} – {entry['high']:g}".replace(
                        ".", "," if lang == "sv" else "."
                    ),
                    kr(entry["npv_low"]),
                    kr(entry["npv_high"]),
                    kr(entry["swing"]),
                ]
            )
        _table(sens_rows, out)

    if "repayment" in result:
        _write_repayment(result["repayment"], lang, out)
    if "realisation" in result:
        _write_realisation(result["realisation"], lang, out)

    for warning in result["warnings"]:
        message = warning[lang]
        where = warning["path"]
        print(f"\n{t['warning'].capitalize()}: {where}: {message}", file=out)


def _write_realisation(realisation: dict[str, Any], lang: str, out: TextIO) -> None:
    """The realisation plan per board and year beside the board's cash-releasing savings."""
    t = _TEXT[lang]
    kr, _ = _formatters(lang)
    print(
        "\n"
        + t["realisation"].format(
            planned=kr(realisation["planned"]),
            cash=kr(realisation["cashable_savings"]),
            unplanned=kr(realisation["unplanned"]),
        ),
        file=out,
    )
    rows = [[t["board"], t["year"], t["measure"], t["planned"], t["cashable"]]]
    for board in realisation["boards"]:
        for year in board["years"]:
            measures = ", ".join(
                f"{t.get('measure_' + m, m)} {kr(a)}" for m, a in year["measures"].items()
            )
            rows.append(
                [
                    board["board"],
                    str(year["year"]),
                    measures or "–",
                    kr(year["planned"]),
                    kr(year["cashable_savings"]),
                ]
            )
    _table(rows, out, indent="    ")


def _write_repayment(repayment: dict[str, Any], lang: str, out: TextIO) -> None:
    t = _TEXT[lang]
    kr, _ = _formatters(lang)
    plan = repayment["plan"]
    print(
        "\n"
        + t["repayment"].format(
            cost=kr(repayment["cost_charged_to_fund"]),
            floor=_percent(repayment["floor"], lang),
            fee=_percent(repayment["fee_rate"], lang),
        ),
        file=out,
    )
    print(
        "  "
        + t["plan"].format(
            total=kr(plan["total"]), cost=kr(plan["cost"]), fee_amount=kr(plan["fee"])
        ),
        file=out,
    )
    if not plan["boards"]:
        print(f"  {t['no_plan']}", file=out)
    else:
        boards = plan["boards"]
        rows = [[t["year"]] + [b["board"] for b in boards] + [t["total"]]]
        for payment in plan["by_year"]:
            year = payment["year"]
            cells = []
            for board in boards:
                amount = next((p["amount"] for p in board["schedule"] if p["year"] == year), 0.0)
                cells.append(kr(amount))
            rows.append([str(year), *cells, kr(payment["amount"])])
        rows.append([t["share"]] + [_percent(b["share"], lang) for b in boards] + [""])
        rows.append([t["total"]] + [kr(b["total"]) for b in boards] + [kr(plan["total"])])
        _table(rows, out, indent="    ")
    if "settlement" in repayment:
        s = repayment["settlement"]
        print(
            "  "
            + t["settlement"].format(
                realised=kr(s["realised_savings"]),
                floor_amount=kr(s["floor_amount"]),
                principal=kr(s["principal"]),
                fee=kr(s["fee"]),
                due=kr(s["due"]),
                shared_by=t[f"shared_{s['shared_by']}"],
            ),
            file=out,
        )
        rows = [[t["board"], t["savings"], t["share"], t["total"]]]
        for b in s["boards"]:
            rows.append(
                [b["board"], kr(b["realised_savings"]), _percent(b["share"], lang), kr(b["due"])]
            )
        _table(rows, out, indent="    ")


# --- entry point ------------------------------------------------------------------------


def _read(path: str) -> Any:
    if path == "-":
        return json.load(sys.stdin)
    with open(path, encoding="utf-8-sig") as handle:
        return json.load(handle)


def main(argv: list[str]) -> int:
    """Run ``satsa calc``; ``argv`` is what follows the word ``calc``."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        # argparse exits 0 for --help and 2 for a usage error; return it, don't raise.
        return exit_.code if isinstance(exit_.code, int) else EXIT_BAD_INPUT
    lang: str = args.lang
    label = _TEXT[lang]["error"]

    try:
        case = _read(args.file)
    except json.JSONDecodeError as error:
        where = (
            f"rad {error.lineno}, kolumn {error.colno}"
            if lang == "sv"
            else (f"line {error.lineno}, column {error.colno}")
        )
        reason = "ogiltig JSON" if lang == "sv" else "invalid JSON"
        print(f"satsa calc: {label}: {args.file}: {where}: {reason} ({error.msg})", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnicodeDecodeError:
        reason = "filen är inte UTF-8" if lang == "sv" else "the file is not UTF-8"
        print(f"satsa calc: {label}: {args.file}: {reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"satsa calc: {label}: {args.file}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT

    terms = None
    if args.rulebook is not None:
        # read only when asked: the rulebooks need pydantic, the engine does not
        from satsa.economics.terms import terms_of
        from satsa.rules import RulebookError, UnknownRulebookError, resolve_rulebook

        try:
            terms = terms_of(resolve_rulebook(args.rulebook))
        except (UnknownRulebookError, RulebookError, OSError) as error:
            print(f"satsa calc: {label}: --rulebook: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT

    try:
        if terms is None:
            result = calculate(case, draws=args.draws, seed=args.seed)
        else:
            from satsa.economics.terms import calculate_under

            result = calculate_under(case, terms, draws=args.draws, seed=args.seed)
    except CalculationError as error:
        for issue in error.issues:
            print(f"satsa calc: {label}: {issue.describe(lang)}", file=sys.stderr)
        return EXIT_BAD_INPUT

    try:
        if args.format == "json":
            json.dump(result, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
            sys.stdout.write("\n")
        else:
            _write_text(result, lang, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader (e.g. `| head`) has gone; stop quietly like other command-line tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    for warning in result["warnings"]:
        if args.format == "json":
            print(
                f"satsa calc: {_TEXT[lang]['warning']}: {warning['path']}: {warning[lang]}",
                file=sys.stderr,
            )
    return EXIT_OK
