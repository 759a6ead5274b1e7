"""``satsa rules``: list, show, check and compare rulebooks, and check a case's eligibility.

Exit codes: 0 when the command did its job (an eligibility check exits 0 whether or not
the case is eligible), 1 when ``check`` finds an invalid rulebook, 2 for usage and input
errors (unreadable files, bad JSON, unknown rulebook ids), with the reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from satsa.rules.case import CaseError
from satsa.rules.eligibility import check_eligibility
from satsa.rules.export import rulebook_diff, rulebook_to_dict
from satsa.rules.loading import UnknownRulebookError, load_rulebook, presets, resolve_rulebook
from satsa.rules.problems import RulebookError
from satsa.rules.schema import Rulebook
from satsa.rules.text import render_result, render_rulebook

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class _InputError(Exception):
    """A file or argument the command cannot use; the message goes to stderr."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        # argparse would call sys.exit(2); raise instead so main() returns the code.
        self.print_usage(sys.stderr)
        raise _InputError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="satsa rules",
        description="Rulebooks (riktlinjer) as data, and the eligibility check.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    list_cmd = sub.add_parser("list", help="list the bundled rulebooks")
    list_cmd.add_argument("--format", choices=("text", "json"), default="text")

    show = sub.add_parser("show", help="print a rulebook as readable text")
    show.add_argument("rulebook", help="preset id (see 'list') or path to a .toml file")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument("--lang", choices=("sv", "en"), default="sv")

    check = sub.add_parser("check", help="validate rulebook TOML files")
    check.add_argument("files", nargs="+", metavar="FILE.toml")

    elig = sub.add_parser("eligibility", help="check a case (JSON) against a rulebook")
    elig.add_argument("case", metavar="CASE.json", help="the case description; '-' for stdin")
    elig.add_argument("--rulebook", required=True, help="preset id or path to a .toml file")
    elig.add_argument("--format", choices=("text", "json"), default="text")
    elig.add_argument("--lang", choices=("sv", "en"), default="sv")

    diff = sub.add_parser("diff", help="what changed between two rulebooks")
    diff.add_argument("old", help="preset id or .toml path")
    diff.add_argument("new", help="preset id or .toml path")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _rulebook(name: str) -> Rulebook:
    try:
        return resolve_rulebook(name)
    except UnknownRulebookError as exc:
        raise _InputError(str(exc)) from None
    except OSError as exc:
        raise _InputError(f"cannot read rulebook {name}: {exc.strerror or exc}") from None
    except RulebookError as exc:
        raise _InputError(str(exc)) from None


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _cmd_list(args: argparse.Namespace) -> int:
    rows = presets()
    if args.format == "json":
        _print_json(
            [
                {
                    "id": rb.id,
                    "organisation": rb.organisation,
                    "organisation_name": rb.organisation_name,
                    "title": rb.title,
                    "version": rb.version,
                    "valid_from": rb.valid_from.isoformat(),
                    "valid_until": rb.valid_until.isoformat() if rb.valid_until else None,
                }
                for rb in rows
            ]
        )
        return EXIT_OK
    width = max(len(rb.id) for rb in rows)
    for rb in rows:
        until = f"–{rb.valid_until}" if rb.valid_until else "–"
        print(f"{rb.id:<{width}}  {rb.organisation_name:<17} {rb.valid_from}{until:<12} {rb.title}")
    return EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    rulebook = _rulebook(args.rulebook)
    if args.format == "json":
        _print_json(rulebook_to_dict(rulebook))
    else:
        print(render_rulebook(rulebook, args.lang), end="")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for name in args.files:
        try:
            rulebook = load_rulebook(Path(name))
        except OSError as exc:
            raise _InputError(f"cannot read {name}: {exc.strerror or exc}") from None
        except RulebookError as exc:
            status = EXIT_INVALID
            for problem in exc.problems:
                where = f"{name}:{problem.line}" if problem.line is not None else name
                print(f"{where}: {problem.path}: {problem.message}")
            count = len(exc.problems)
            print(f"{name}: {count} {'problem' if count == 1 else 'problems'}")
            continue
        print(
            f"OK {name}: {rulebook.id} ({rulebook.organisation_name}, version {rulebook.version})"
        )
    return status


def _read_case(name: str) -> Any:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise _InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise _InputError(f"{name} is not UTF-8 text: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _InputError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None


def _cmd_eligibility(args: argparse.Namespace) -> int:
    data = _read_case(args.case)
    rulebook = _rulebook(args.rulebook)
    try:
        result = check_eligibility(rulebook, data)
    except CaseError as exc:
        lines = [f"{args.case}: {problem}" for problem in exc.problems]
        raise _InputError("\n".join(lines)) from None
    if args.format == "json":
        _print_json(result.to_dict())
    else:
        print(render_result(result, rulebook, args.lang))
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace) -> int:
    changes = rulebook_diff(_rulebook(args.old), _rulebook(args.new))
    if args.format == "json":
        _print_json([{"path": c.path, "kind": c.kind, "old": c.old, "new": c.new} for c in changes])
    elif not changes:
        print("No differences.")
    else:
        for change in changes:
            print(change)
    return EXIT_OK


_COMMANDS = {
    "list": _cmd_list,
    "show": _cmd_show,
    "check": _cmd_check,
    "eligibility": _cmd_eligibility,
    "diff": _cmd_diff,
}


def main(argv: list[str]) -> int:
    """Run ``satsa rules`` with ``argv`` (the arguments after "rules"); return the exit code.

    >>> main(["list"])  # doctest: +NORMALIZE_WHITESPACE
    gavleborg-2018  Region Gävleborg  2018-01-01–            Regionala sociala investeringsmedel (2018)
    orebro-2016     Örebro kommun     2016-01-01–2019-12-31  Riktlinjer för sociala investeringar (revidering 2016)
    orebro-2020     Örebro kommun     2020-01-01–            Riktlinjer för sociala investeringar (2020)
    uppsala-2016    Uppsala kommun    2016-01-01–            Riktlinje för sociala investeringar (2016)
    0
    """
    try:
        args = _parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except _InputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
