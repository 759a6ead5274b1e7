"""Reading a calculation (ECONOMICS.md §5) into checked, typed lines.

:func:`parse_case` checks the whole case and reports every problem it finds at once, each
with the path of the field at fault and the reason; what it returns can be computed on
without further checks. Every numeric input that may be uncertain becomes an
:class:`Input`; those given a triangular range get a column in the matrix of draws.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from satsa.economics.errors import CalculationError, Issue

__all__ = [
    "FUND",
    "PERSPECTIVES",
    "Case",
    "CostLine",
    "EffectLine",
    "Input",
    "LineSet",
    "Repayment",
    "VolumePart",
    "parse_case",
]

Array = npt.NDArray[np.float64]
Kind = Literal["nonnegative", "positive", "share"]
Basis = Literal["nominal", "discounted"]
SharedBy = Literal["realised_savings", "plan"]

# The financier whose costs the repayment model charges back; every other financier
# co-finances and is not repaid (ECONOMICS.md §3).
FUND = "fund"
# Whose costs an actor's savings are (ECONOMICS.md §2, Perspectives): the fund's own
# organisation (the default), other public bodies, the target group, everyone else.
PERSPECTIVES = ("organisation", "other_public", "individual", "society")
ORGANISATION = "organisation"
# The values a unit may carry beside its fiscal value (the budget cost), as in the GMCA
# Unit Cost Database: the economic value (all resources) and the social value.
VALUE_TYPES = ("economic", "social")
# How a board takes a cash-releasing saving home (effekthemtagning).
MEASURES = ("budget_frame", "reduced_purchases", "fewer_posts", "other")
DEFAULT_FLOOR = 0.30
DEFAULT_FEE = 0.05
MAX_PROJECT_YEARS = 50
MAX_HORIZON_YEARS = 100
# Fields any object may carry for people reading the file; the engine ignores them.
DESCRIPTIVE = frozenset({"name", "description", "notes", "source", "id", "comment"})

_CASE_KEYS = (
    "currency",
    "start_year",
    "project_years",
    "horizon_years_after_end",
    "discount_rate",
    "discount_base_year",
    "price_year",
    "price_index",
    "optimism_bias",
    "actors",
    "costs",
    "effects",
    "uncertainty",
    "approval",
    "repayment",
    "alternatives",
    "realisation_plan",
)
_COST_KEYS = ("year", "amount", "financier", "type", "uncertainty")
_EFFECT_KEYS = (
    "actor",
    "unit",
    "unit_cost",
    "unit_cost_price_year",
    "direction",
    "volume",
    "volume_after_end",
    "volume_profile",
    "deadweight",
    "attribution",
    "displacement",
    "drop_off",
    "cashable",
    "unit_cost_values",
    "uncertainty",
)
_PROFILE_KEYS = ("first_year", "per_year", "years", "ramp_up")
_MISSING: Any = object()
_YEAR = re.compile(r"-?\d{1,4}")


@dataclass(frozen=True)
class Input:
    """One numeric input: its value and, when uncertain, its triangular range.

    ``value`` is the deterministic value (the mode when a range is given); ``column`` is
    the input's column in the matrix of draws, set exactly when ``triangle`` is.
    """

    path: str
    value: float
    triangle: tuple[float, float, float] | None = None
    column: int | None = None


@dataclass(frozen=True)
class CostLine:
    """A cost in one year, before optimism bias."""

    path: str
    year: int
    amount: Input
    financier: str
    type: str


@dataclass(frozen=True)
class VolumePart:
    """One term of an effect's volume: ``value × weights[i]`` units in horizon year ``i``.

    The terms of one effect line never share a year (explicit years, the other years
    after the end, or a profile alone), so the engine may write each term's years
    without adding.
    """

    value: Input
    weights: tuple[float, ...]


@dataclass(frozen=True)
class EffectLine:
    """A change in the use of one service, borne by one actor (ECONOMICS.md §1)."""

    path: str
    name: str
    actor: str
    unit: str
    unit_cost: Input
    # index[price_year] / index[unit_cost_price_year]: restates the unit cost
    price_factor: float
    direction: Literal["decrease", "increase"]
    volume: tuple[VolumePart, ...]
    deadweight: Input
    attribution: Input
    displacement: Input
    drop_off: Input
    # True: the saving can be taken out of a budget (cash-releasing); False: it frees
    # capacity only (ECONOMICS.md §2)
    cashable: bool = True
    # the unit's economic and social value beside its fiscal value (``unit_cost``), in
    # the same price year, restated like it: {"economic": …, "social": …}
    values: tuple[tuple[str, float], ...] = ()

    @property
    def sign(self) -> float:
        """+1 when fewer units are used (a saving), −1 when more are (a cost)."""
        return 1.0 if self.direction == "decrease" else -1.0


@dataclass(frozen=True)
class LineSet:
    """The cost and effect lines of the intervention or of one comparison alternative."""

    key: str
    name: str
    costs: tuple[CostLine, ...]
    effects: tuple[EffectLine, ...]


@dataclass(frozen=True)
class Repayment:
    """The repayment block (ECONOMICS.md §3)."""

    floor: float
    fee: float
    boards: tuple[str, ...] | None
    realised_savings: tuple[tuple[str, float], ...] | None
    shared_by: SharedBy


@dataclass(frozen=True)
class Realisation:
    """One entry of the realisation plan: what a board takes home in a year, and how."""

    path: str
    board: str
    year: int
    amount: float
    measure: str


@dataclass(frozen=True)
class Case:
    """A checked calculation, ready for the engine."""

    name: str
    currency: str
    start_year: int
    project_years: int
    horizon_years_after_end: int
    discount_rate: Input
    discount_base_year: int
    price_year: int
    optimism_costs: Input
    optimism_effects: Input
    actors: tuple[str, ...]
    intervention: LineSet
    alternatives: tuple[LineSet, ...]
    approval_basis: Basis
    repayment: Repayment | None
    # every input with a triangular range, in column order
    inputs: tuple[Input, ...]
    warnings: tuple[Issue, ...]
    # actor → perspective; an actor not listed is the organisation's
    perspectives: tuple[tuple[str, str], ...] = ()
    # the perspectives whose savings the approval rule counts
    approval_perspectives: tuple[str, ...] = (ORGANISATION,)
    # whether savings in the project years count towards the approval rule
    approval_project_savings: bool = True
    # the realisation plan (effekthemtagningsplan), when given
    realisation_plan: tuple[Realisation, ...] | None = None

    def perspective(self, actor: str) -> str:
        """The perspective of ``actor`` (``organisation`` unless the case says otherwise)."""
        return dict(self.perspectives).get(actor, ORGANISATION)

    @property
    def end_year(self) -> int:
        """The last project year."""
        return self.start_year + self.project_years - 1

    @property
    def horizon_end(self) -> int:
        """The last year in which effects are counted."""
        return self.end_year + self.horizon_years_after_end

    @property
    def years(self) -> Array:
        """The calendar years of the calculation, as floats."""
        return np.arange(self.start_year, self.horizon_end + 1, dtype=np.float64)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _num(value: float, lang: str = "sv") -> str:
    """A number as a message quotes it: Satsa's way in the message's language (decimal
    comma and grouped thousands in Swedish), with the decimals it has."""
    # Imported here: satsa.rules loads its schema (pydantic), which a valid case never needs.
    from satsa.rules import numbers

    return numbers.number(value, lang=lang, decimals=numbers.AUTO)


def _got(value: Any) -> tuple[str, str]:
    """How to name a wrong value in a message (Swedish, English)."""
    if value is None:
        return "null", "null"
    if isinstance(value, bool):
        word = "true" if value else "false"
        return f"sanningsvärdet {word}", f"the boolean {word}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"texten {shown!r}", f"the string {shown!r}"
    if isinstance(value, int | float):
        return f"talet {_num(float(value))}", f"the number {_num(float(value), 'en')}"
    if isinstance(value, Mapping):
        return "ett objekt", "an object"
    if isinstance(value, list | tuple):
        return "en lista", "a list"
    return type(value).__name__, type(value).__name__


class _Reader:
    """Collects issues while reading; knows the calculation's years once they are read."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []
        self.inputs: list[Input] = []
        self.first = 0
        self.end = 0
        self.last = 0
        self.price_year = 0
        self.index: dict[int, float] = {}
        self.actors: tuple[str, ...] | None = None
        self.perspectives: dict[str, str] = {}
        self._price_year_reported = False

    # --- issues ---------------------------------------------------------------------

    def error(self, path: str, sv: str, en: str) -> None:
        self.issues.append(Issue(path, sv, en))

    def missing(self, path: str) -> None:
        self.error(path, "saknas (obligatoriskt fält)", "is missing (required field)")

    def wrong_type(self, path: str, value: Any, sv_want: str, en_want: str) -> None:
        sv_got, en_got = _got(value)
        self.error(path, f"måste vara {sv_want}, fick {sv_got}", f"must be {en_want}, got {en_got}")

    # --- shapes ---------------------------------------------------------------------

    def mapping(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.wrong_type(path, value, "ett objekt {…}", "an object {…}")
        return None

    def sequence(self, value: Any, path: str) -> Sequence[Any] | None:
        if isinstance(value, list | tuple):
            return value
        self.wrong_type(path, value, "en lista […]", "a list […]")
        return None

    def keys(self, obj: Mapping[str, Any], path: str, allowed: Collection[str]) -> None:
        for key in obj:
            if key in allowed or key in DESCRIPTIVE:
                continue
            close = difflib.get_close_matches(str(key), [*allowed, *DESCRIPTIVE], n=1)
            sv_hint = f" (menade du '{close[0]}'?)" if close else ""
            en_hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.error(_join(path, str(key)), f"okänt fält{sv_hint}", f"unknown field{en_hint}")

    # --- scalars --------------------------------------------------------------------

    def integer(
        self, value: Any, path: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not integral:
            self.wrong_type(path, value, "ett heltal", "a whole number")
            return None
        number = int(value)
        if minimum is not None and number < minimum:
            self.error(
                path,
                f"måste vara minst {minimum}, fick {number}",
                f"must be at least {minimum}, got {number}",
            )
            return None
        if maximum is not None and number > maximum:
            self.error(
                path,
                f"får vara högst {maximum}, fick {number}",
                f"must be at most {maximum}, got {number}",
            )
            return None
        return number

    def number(self, value: Any, path: str, kind: Kind | None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.wrong_type(path, value, "ett tal", "a number")
            return None
        number = float(value)
        if not math.isfinite(number):
            self.error(path, "måste vara ett ändligt tal", "must be a finite number")
            return None
        return number if self.in_range(number, path, kind) else None

    def in_range(
        self, value: float, path: str, kind: Kind | None, what: tuple[str, str] = ("", "")
    ) -> bool:
        sv_what, en_what = what
        if kind == "nonnegative" and value < 0:
            sv, en = "får inte vara negativ", "must not be negative"
        elif kind == "positive" and value <= 0:
            sv, en = "måste vara större än 0", "must be greater than 0"
        elif kind == "share" and not 0.0 <= value <= 1.0:
            sv, en = "måste ligga mellan 0 och 1", "must be between 0 and 1"
        else:
            return True
        # Written out only for a message: every number of a case passes through here.
        self.error(
            path,
            f"{sv_what}{sv}, fick {_num(value)}",
            f"{en_what}{en}, got {_num(value, 'en')}",
        )
        return False

    def text(self, value: Any, path: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, str):
            self.error(path, "får inte vara tom", "must not be empty")
        else:
            self.wrong_type(path, value, "en text", "a string")
        return None

    def choice(self, value: Any, path: str, options: Sequence[str]) -> str | None:
        if isinstance(value, str) and value in options:
            return value
        listed = ", ".join(f"'{o}'" for o in options)
        sv_got, en_got = _got(value)
        self.error(
            path,
            f"måste vara en av {listed}, fick {sv_got}",
            f"must be one of {listed}, got {en_got}",
        )
        return None

    def year_key(self, key: Any, path: str) -> int | None:
        if isinstance(key, int) and not isinstance(key, bool):
            return key
        if isinstance(key, str) and _YEAR.fullmatch(key.strip()):
            return int(key)
        self.error(path, f"'{key}' är inte ett årtal", f"'{key}' is not a year")
        return None

    def in_horizon(self, year: int, path: str) -> bool:
        if self.first <= year <= self.last:
            return True
        self.error(
            path,
            f"året {year} ligger utanför kalkylens år {self.first}–{self.last}",
            f"the year {year} is outside the calculation's years {self.first}–{self.last}",
        )
        return False

    def actor(self, value: Any, path: str) -> str | None:
        name = self.text(value, path)
        if name is not None and self.actors is not None and name not in self.actors:
            listed = ", ".join(self.actors) or "–"
            self.error(
                path,
                f"aktören '{name}' finns inte bland kalkylens actors ({listed})",
                f"the actor '{name}' is not among the case's actors ({listed})",
            )
            return None
        return name

    def names(self, value: Any, path: str) -> tuple[str, ...] | None:
        items = self.sequence(value, path)
        if items is None:
            return None
        names: list[str] = []
        for i, item in enumerate(items):
            name = self.text(item, f"{path}[{i}]")
            if name is None:
                continue
            if name in names:
                self.error(f"{path}[{i}]", f"'{name}' står två gånger", f"'{name}' is listed twice")
                continue
            names.append(name)
        return tuple(names)

    def actor_list(self, value: Any, path: str) -> None:
        """``actors``: names, or ``{"name": …, "perspective": …}`` objects (plain names are
        the organisation's own)."""
        items = self.sequence(value, path)
        if items is None:
            return
        names: list[str] = []
        for i, item in enumerate(items):
            at = f"{path}[{i}]"
            perspective = ORGANISATION
            if isinstance(item, Mapping):
                self.keys(item, at, ("perspective",))
                if "name" not in item:
                    self.missing(_join(at, "name"))
                    continue
                chosen = self.choice(
                    item.get("perspective", ORGANISATION), _join(at, "perspective"), PERSPECTIVES
                )
                perspective = chosen or ORGANISATION
                item = item["name"]
                at = _join(at, "name")
            name = self.text(item, at)
            if name is None:
                continue
            if name in names:
                self.error(at, f"'{name}' står två gånger", f"'{name}' is listed twice")
                continue
            names.append(name)
            self.perspectives[name] = perspective
        self.actors = tuple(names)

    # --- uncertain inputs -----------------------------------------------------------

    def triangles(self, obj: Mapping[str, Any], line: str) -> dict[str, tuple[float, float, float]]:
        """The ``uncertainty`` mapping of a line: field → (low, mode, high), each checked."""
        if "uncertainty" not in obj:
            return {}
        upath = _join(line, "uncertainty")
        spec = self.mapping(obj["uncertainty"], upath)
        found: dict[str, tuple[float, float, float]] = {}
        for key, value in (spec or {}).items():
            path = f"{upath}.{key}"
            if not isinstance(value, list | tuple) or len(value) != 3:
                sv_got, en_got = _got(value)
                self.error(
                    path,
                    f"måste vara en lista [låg, typvärde, hög] med tre tal, fick {sv_got}",
                    f"must be a list [low, mode, high] of three numbers, got {en_got}",
                )
                continue
            numbers = [self.number(v, f"{path}[{i}]", None) for i, v in enumerate(value)]
            low, mode, high = numbers
            if low is None or mode is None or high is None:
                continue
            if low > mode:
                self.error(
                    path,
                    f"låg ({_num(low)}) är större än typvärdet ({_num(mode)})",
                    f"low ({_num(low, 'en')}) is greater than mode ({_num(mode, 'en')})",
                )
            elif mode > high:
                self.error(
                    path,
                    f"typvärdet ({_num(mode)}) är större än hög ({_num(high)})",
                    f"mode ({_num(mode, 'en')}) is greater than high ({_num(high, 'en')})",
                )
            else:
                found[str(key)] = (low, mode, high)
        return found

    def leftover_triangles(self, triangles: Mapping[str, Any], line: str, used: str) -> None:
        for key in triangles:
            self.error(
                f"{_join(line, 'uncertainty')}.{key}",
                f"inget fält här som kan vara osäkert heter så (möjliga: {used})",
                f"no field here that may be uncertain has this name (possible: {used})",
            )

    def make_input(
        self,
        raw: Any,
        path: str,
        triangle: tuple[float, float, float] | None,
        upath: str,
        *,
        kind: Kind,
        default: float | None,
    ) -> Input:
        """An input from its raw value and optional range; a range alone gives the value."""
        value: float | None
        if raw is not _MISSING:
            value = self.number(raw, path, kind)
        elif triangle is not None:
            value = triangle[1]
        elif default is not None:
            value = default
        else:
            self.missing(path)
            value = None
        if triangle is None:
            return Input(path, 0.0 if value is None else value)
        low, mode, high = triangle
        ok = self.in_range(low, upath, kind, ("låg ", "low ")) and self.in_range(
            high, upath, kind, ("hög ", "high ")
        )
        if ok and value is not None and not math.isclose(value, mode, rel_tol=1e-9, abs_tol=1e-12):
            name = path.rsplit(".", 1)[-1]
            self.error(
                upath,
                f"typvärdet {_num(mode)} skiljer sig från värdet {_num(value)}; "
                "ange samma värde eller utelämna värdet",
                f"mode {_num(mode, 'en')} differs from the value {_num(value, 'en')} of {name}; "
                "give the same value or leave the value out",
            )
            ok = False
        if not ok:
            return Input(path, mode)
        made = Input(path, mode, (low, mode, high), len(self.inputs))
        self.inputs.append(made)
        return made

    def field(
        self,
        obj: Mapping[str, Any],
        key: str,
        *,
        path: str,
        line: str,
        triangles: dict[str, tuple[float, float, float]],
        kind: Kind,
        default: float | None,
        tkey: str | None = None,
    ) -> Input:
        """Read ``obj[key]``, whose range (if any) is ``uncertainty[tkey or key]`` of the line."""
        tkey = tkey or key
        return self.make_input(
            obj.get(key, _MISSING),
            _join(path, key),
            triangles.pop(tkey, None),
            f"{_join(line, 'uncertainty')}.{tkey}",
            kind=kind,
            default=default,
        )

    # --- years and prices -----------------------------------------------------------

    def onehot(self, year: int) -> tuple[float, ...]:
        return tuple(1.0 if y == year else 0.0 for y in range(self.first, self.last + 1))

    def price_index(self, value: Any) -> dict[int, float]:
        if value is None:
            return {}
        spec = self.mapping(value, "price_index")
        index: dict[int, float] = {}
        for key, raw in (spec or {}).items():
            path = f"price_index.{key}"
            year = self.year_key(key, path)
            number = self.number(raw, path, "positive")
            if year is not None and number is not None:
                index[year] = number
        return index

    def price_factor(self, year: int, path: str) -> float:
        if year == self.price_year:
            return 1.0
        if not self.index:
            self.warnings.append(
                Issue(
                    path,
                    f"prisåret {year} skiljer sig från kalkylens prisår {self.price_year}, men "
                    "price_index saknas: enhetskostnaden används som den är",
                    f"the price year {year} differs from the case's price year "
                    f"{self.price_year}, but there is no price_index: the unit cost is used "
                    "as given",
                )
            )
            return 1.0
        known = ", ".join(str(y) for y in sorted(self.index))
        if year not in self.index:
            self.error(
                path,
                f"året {year} finns inte i price_index ({known})",
                f"the year {year} is not in price_index ({known})",
            )
            return 1.0
        if self.price_year not in self.index:
            if not self._price_year_reported:
                self._price_year_reported = True
                self.error(
                    "price_index",
                    f"saknar värde för kalkylens prisår {self.price_year} ({known})",
                    f"has no value for the case's price year {self.price_year} ({known})",
                )
            return 1.0
        return self.index[self.price_year] / self.index[year]

    # --- lines ----------------------------------------------------------------------

    def cost(self, raw: Any, path: str) -> CostLine | None:
        obj = self.mapping(raw, path)
        if obj is None:
            return None
        self.keys(obj, path, _COST_KEYS)
        triangles = self.triangles(obj, path)
        year = None
        if "year" not in obj:
            self.missing(_join(path, "year"))
        else:
            year = self.integer(obj["year"], _join(path, "year"))
            if year is not None and not self.in_horizon(year, _join(path, "year")):
                year = None
        amount = self.field(
            obj,
            "amount",
            path=path,
            line=path,
            triangles=triangles,
            kind="nonnegative",
            default=None,
        )
        financier = self.text(obj.get("financier", FUND), _join(path, "financier"))
        kind = obj.get("type", "")
        if not isinstance(kind, str):
            self.wrong_type(_join(path, "type"), kind, "en text", "a string")
        self.leftover_triangles(triangles, path, "amount")
        if year is None or financier is None or not isinstance(kind, str):
            return None
        return CostLine(path, year, amount, financier, kind)

    def effect(self, raw: Any, path: str) -> EffectLine | None:
        obj = self.mapping(raw, path)
        if obj is None:
            return None
        self.keys(obj, path, _EFFECT_KEYS)
        triangles = self.triangles(obj, path)
        ok = True
        name = obj.get("name", path)
        if not isinstance(name, str):
            self.wrong_type(_join(path, "name"), name, "en text", "a string")
            ok = False
        actor = None
        if "actor" not in obj:
            self.missing(_join(path, "actor"))
        else:
            actor = self.actor(obj["actor"], _join(path, "actor"))
        unit = obj.get("unit", "")
        if not isinstance(unit, str):
            self.wrong_type(_join(path, "unit"), unit, "en text", "a string")
            ok = False
        direction = self.choice(
            obj.get("direction", "decrease"), _join(path, "direction"), ("decrease", "increase")
        )

        def share(key: str) -> Input:
            return self.field(
                obj, key, path=path, line=path, triangles=triangles, kind="share", default=0.0
            )

        unit_cost = self.field(
            obj,
            "unit_cost",
            path=path,
            line=path,
            triangles=triangles,
            kind="nonnegative",
            default=None,
        )
        factor = 1.0
        year_path = _join(path, "unit_cost_price_year")
        if "unit_cost_price_year" in obj:
            year = self.integer(obj["unit_cost_price_year"], year_path)
            if year is not None:
                factor = self.price_factor(year, year_path)
        volume = self.volume(obj, path, triangles)
        values: list[tuple[str, float]] = []
        if "unit_cost_values" in obj:
            vpath = _join(path, "unit_cost_values")
            spec = self.mapping(obj["unit_cost_values"], vpath) or {}
            self.keys(spec, vpath, VALUE_TYPES)
            for kind in VALUE_TYPES:
                if kind in spec:
                    amount = self.number(spec[kind], _join(vpath, kind), "nonnegative")
                    if amount is not None:
                        values.append((kind, amount))
        cashable = obj.get("cashable", True)
        if not isinstance(cashable, bool):
            self.wrong_type(_join(path, "cashable"), cashable, "true eller false", "true or false")
            ok = False
        deadweight, attribution = share("deadweight"), share("attribution")
        displacement, drop_off = share("displacement"), share("drop_off")
        self.leftover_triangles(
            triangles,
            path,
            "unit_cost, volume.<år/year>, volume_after_end, volume_profile.per_year, "
            "deadweight, attribution, displacement, drop_off",
        )
        if not ok or actor is None or direction is None or not isinstance(name, str):
            return None
        return EffectLine(
            path=path,
            name=name,
            actor=actor,
            unit=str(unit),
            unit_cost=unit_cost,
            price_factor=factor,
            direction="increase" if direction == "increase" else "decrease",
            volume=volume,
            deadweight=deadweight,
            attribution=attribution,
            displacement=displacement,
            drop_off=drop_off,
            cashable=bool(cashable),
            values=tuple(values),
        )

    def volume(
        self, obj: Mapping[str, Any], path: str, triangles: dict[str, tuple[float, float, float]]
    ) -> tuple[VolumePart, ...]:
        """The volume terms: one per explicit year, the years after the end, or a profile."""
        parts: list[VolumePart] = []
        has_after = "volume_after_end" in obj or "volume_after_end" in triangles
        if "volume_profile" in obj and ("volume" in obj or has_after):
            self.error(
                _join(path, "volume_profile"),
                "ange antingen volume/volume_after_end eller volume_profile, inte båda",
                "give either volume/volume_after_end or volume_profile, not both",
            )
            return ()
        if "volume_profile" in obj:
            return self.profile(obj["volume_profile"], path, triangles)

        vpath = _join(path, "volume")
        given: dict[int, Any] = {}
        if "volume" in obj:
            for key, raw in (self.mapping(obj["volume"], vpath) or {}).items():
                year = self.year_key(key, f"{vpath}.{key}")
                if year is not None and self.in_horizon(year, f"{vpath}.{key}"):
                    given[year] = raw
        ranged: dict[int, tuple[str, tuple[float, float, float]]] = {}
        for tkey in [k for k in triangles if k.startswith("volume.")]:
            upath = f"{path}.uncertainty.{tkey}"
            year = self.year_key(tkey.removeprefix("volume."), upath)
            if year is not None and self.in_horizon(year, upath):
                ranged[year] = (upath, triangles[tkey])
            del triangles[tkey]
        for year in sorted(given.keys() | ranged.keys()):
            upath = ranged[year][0] if year in ranged else ""
            value = self.make_input(
                given.get(year, _MISSING),
                f"{vpath}.{year}",
                ranged[year][1] if year in ranged else None,
                upath,
                kind="nonnegative",
                default=None,
            )
            parts.append(VolumePart(value, self.onehot(year)))
        if has_after:
            value = self.field(
                obj,
                "volume_after_end",
                path=path,
                line=path,
                triangles=triangles,
                kind="nonnegative",
                default=None,
            )
            # explicit years win over volume_after_end (ECONOMICS.md §5)
            weights = tuple(
                1.0 if y > self.end and y not in given and y not in ranged else 0.0
                for y in range(self.first, self.last + 1)
            )
            parts.append(VolumePart(value, weights))
        return tuple(parts)

    def profile(
        self, raw: Any, line: str, triangles: dict[str, tuple[float, float, float]]
    ) -> tuple[VolumePart, ...]:
        """``volume_profile``: per_year units a year from first_year, ramped up at first."""
        path = _join(line, "volume_profile")
        obj = self.mapping(raw, path)
        if obj is None:
            return ()
        self.keys(obj, path, _PROFILE_KEYS)
        first = None
        if "first_year" not in obj:
            self.missing(_join(path, "first_year"))
        else:
            first = self.integer(obj["first_year"], _join(path, "first_year"))
            if first is not None and not self.in_horizon(first, _join(path, "first_year")):
                first = None
        per_year = self.field(
            obj,
            "per_year",
            path=path,
            line=line,
            triangles=triangles,
            kind="nonnegative",
            default=None,
            tkey="volume_profile.per_year",
        )
        count = None
        if "years" in obj:
            count = self.integer(obj["years"], _join(path, "years"), minimum=1)
        ramp: list[float] = []
        for i, item in enumerate(
            self.sequence(obj.get("ramp_up", []), _join(path, "ramp_up")) or []
        ):
            share = self.number(item, f"{path}.ramp_up[{i}]", "share")
            ramp.append(1.0 if share is None else share)
        if first is None:
            return ()
        if count is None:
            count = self.last - first + 1
        elif first + count - 1 > self.last:
            self.error(
                _join(path, "years"),
                f"profilen slutar {first + count - 1}, efter kalkylens sista år {self.last}",
                f"the profile ends in {first + count - 1}, after the case's last year {self.last}",
            )
        weights = [0.0] * (self.last - self.first + 1)
        for i in range(min(count, self.last - first + 1)):
            weights[first - self.first + i] = ramp[i] if i < len(ramp) else 1.0
        return (VolumePart(per_year, tuple(weights)),)

    def lines(
        self, obj: Mapping[str, Any], path: str, key: str, name: str, *, required: bool
    ) -> LineSet:
        def items(field: str) -> list[tuple[str, Any]]:
            fpath = _join(path, field)
            if field not in obj:
                if required:
                    self.missing(fpath)
                return []
            return [
                (f"{fpath}[{i}]", raw)
                for i, raw in enumerate(self.sequence(obj[field], fpath) or [])
            ]

        costs = [self.cost(raw, at) for at, raw in items("costs")]
        effects = [self.effect(raw, at) for at, raw in items("effects")]
        return LineSet(
            key,
            name,
            tuple(c for c in costs if c is not None),
            tuple(e for e in effects if e is not None),
        )

    # --- blocks ---------------------------------------------------------------------

    def approval(self, value: Any) -> tuple[Basis, tuple[str, ...], bool]:
        """The basis, the perspectives counted and whether project-year savings count."""
        default: tuple[Basis, tuple[str, ...], bool] = ("nominal", (ORGANISATION,), True)
        obj = self.mapping(value, "approval")
        if obj is None:
            return default
        self.keys(obj, "approval", ("basis", "perspectives", "project_savings"))
        basis = self.choice(
            obj.get("basis", "nominal"), "approval.basis", ("nominal", "discounted")
        )
        perspectives: list[str] = []
        if "perspectives" in obj:
            ppath = "approval.perspectives"
            for i, item in enumerate(self.sequence(obj["perspectives"], ppath) or []):
                chosen = self.choice(item, f"{ppath}[{i}]", PERSPECTIVES)
                if chosen is not None and chosen not in perspectives:
                    perspectives.append(chosen)
            if not perspectives:
                self.error(ppath, "ange minst ett perspektiv", "give at least one perspective")
        project_savings = obj.get("project_savings", True)
        if not isinstance(project_savings, bool):
            self.wrong_type(
                "approval.project_savings", project_savings, "true eller false", "true or false"
            )
            project_savings = True
        return (
            "discounted" if basis == "discounted" else "nominal",
            tuple(perspectives) or (ORGANISATION,),
            project_savings,
        )

    def repayment(self, value: Any) -> Repayment | None:
        obj = self.mapping(value, "repayment")
        if obj is None:
            return None
        self.keys(obj, "repayment", ("floor", "fee", "boards", "realised_savings", "shared_by"))
        floor = self.number(obj.get("floor", DEFAULT_FLOOR), "repayment.floor", "share")
        fee = self.number(obj.get("fee", DEFAULT_FEE), "repayment.fee", "share")
        boards = None
        if "boards" in obj:
            boards = self.names(obj["boards"], "repayment.boards")
            for i, board in enumerate(boards or ()):
                self.actor(board, f"repayment.boards[{i}]")
        realised = None
        if "realised_savings" in obj:
            rpath = "repayment.realised_savings"
            pairs: list[tuple[str, float]] = []
            for board, raw in (self.mapping(obj["realised_savings"], rpath) or {}).items():
                path = f"{rpath}.{board}"
                amount = self.number(raw, path, "nonnegative")
                if self.actor(board, path) is not None and amount is not None:
                    pairs.append((str(board), amount))
            realised = tuple(pairs)
        shared_by = self.choice(
            obj.get("shared_by", "realised_savings"),
            "repayment.shared_by",
            ("realised_savings", "plan"),
        )
        return Repayment(
            floor=DEFAULT_FLOOR if floor is None else floor,
            fee=DEFAULT_FEE if fee is None else fee,
            boards=boards,
            realised_savings=realised,
            shared_by="plan" if shared_by == "plan" else "realised_savings",
        )

    def realisation_plan(self, value: Any) -> tuple[Realisation, ...]:
        found: list[Realisation] = []
        for i, raw in enumerate(self.sequence(value, "realisation_plan") or []):
            path = f"realisation_plan[{i}]"
            obj = self.mapping(raw, path)
            if obj is None:
                continue
            self.keys(obj, path, ("board", "year", "amount", "measure"))
            board = year = amount = None
            if "board" not in obj:
                self.missing(_join(path, "board"))
            else:
                board = self.actor(obj["board"], _join(path, "board"))
            if "year" not in obj:
                self.missing(_join(path, "year"))
            else:
                year = self.integer(obj["year"], _join(path, "year"))
                if year is not None and not self.in_horizon(year, _join(path, "year")):
                    year = None
            if "amount" not in obj:
                self.missing(_join(path, "amount"))
            else:
                amount = self.number(obj["amount"], _join(path, "amount"), "nonnegative")
            measure = self.choice(obj.get("measure", "other"), _join(path, "measure"), MEASURES)
            if board is not None and year is not None and amount is not None and measure:
                found.append(Realisation(path, board, year, amount, measure))
        return tuple(found)

    def alternatives(self, value: Any) -> tuple[LineSet, ...]:
        obj = self.mapping(value, "alternatives")
        found: list[LineSet] = []
        for key, raw in (obj or {}).items():
            path = f"alternatives.{key}"
            spec = self.mapping(raw, path)
            if spec is None:
                continue
            self.keys(spec, path, ("costs", "effects"))
            name = spec.get("name", str(key))
            if not isinstance(name, str):
                self.wrong_type(_join(path, "name"), name, "en text", "a string")
                name = str(key)
            found.append(self.lines(spec, path, str(key), name, required=False))
        return tuple(found)


def parse_case(data: Any) -> Case:
    """Check a calculation in the exchange format and return it as a :class:`Case`.

    Parameters
    ----------
    data : mapping
        The case as read from JSON (ECONOMICS.md §5 plus what ``docs/economics.md``
        adds).

    Returns
    -------
    Case
        The checked case.

    Raises
    ------
    CalculationError
        With every problem found, each naming the field's path.

    Examples
    --------
    >>> case = parse_case({"start_year": 2026, "project_years": 2, "horizon_years_after_end": 1,
    ...                    "costs": [{"year": 2026, "amount": 100}], "effects": []})
    >>> case.horizon_end, case.intervention.costs[0].financier
    (2028, 'fund')
    >>> parse_case({"start_year": 2026, "project_years": 2, "horizon_years_after_end": 1,
    ...             "costs": [], "effects": [{"actor": "Socialnämnden", "unit_cost": 1,
    ...                                       "deadweight": 1.5}]})
    Traceback (most recent call last):
    ...
    satsa.economics.errors.CalculationError: effects[0].deadweight: måste ligga mellan 0 och 1, fick 1,5
    """
    reader = _Reader()
    if not isinstance(data, Mapping):
        sv_got, en_got = _got(data)
        raise CalculationError(
            [
                Issue(
                    "",
                    f"kalkylen måste vara ett JSON-objekt {{…}}, fick {sv_got}",
                    f"the case must be a JSON object {{…}}, got {en_got}",
                )
            ]
        )
    reader.keys(data, "", _CASE_KEYS)

    def required_int(key: str, minimum: int | None = None, maximum: int | None = None) -> int:
        if key not in data:
            reader.missing(key)
            return 0
        value = reader.integer(data[key], key, minimum=minimum, maximum=maximum)
        return 0 if value is None else value

    count = len(reader.issues)
    start = required_int("start_year")
    project_years = required_int("project_years", 1, MAX_PROJECT_YEARS)
    horizon = required_int("horizon_years_after_end", 0, MAX_HORIZON_YEARS)
    if len(reader.issues) > count:
        # without the years nothing else can be checked
        raise CalculationError(reader.issues)
    reader.first = start
    reader.end = start + project_years - 1
    reader.last = reader.end + horizon

    name = data.get("name", "")
    if not isinstance(name, str):
        reader.wrong_type("name", name, "en text", "a string")
    currency = data.get("currency", "SEK")
    if not isinstance(currency, str):
        reader.wrong_type("currency", currency, "en text", "a string")

    triangles = reader.triangles(data, "")
    discount_rate = reader.field(
        data, "discount_rate", path="", line="", triangles=triangles, kind="share", default=0.0
    )
    base_year = start
    if "discount_base_year" in data:
        given = reader.integer(data["discount_base_year"], "discount_base_year")
        base_year = start if given is None else given
    reader.price_year = start
    if "price_year" in data:
        given = reader.integer(data["price_year"], "price_year")
        reader.price_year = start if given is None else given
    reader.index = reader.price_index(data.get("price_index"))

    bias = reader.mapping(data.get("optimism_bias", {}), "optimism_bias") or {}
    reader.keys(bias, "optimism_bias", ("costs", "effects"))
    optimism_costs = reader.field(
        bias,
        "costs",
        path="optimism_bias",
        line="",
        triangles=triangles,
        kind="nonnegative",
        default=0.0,
        tkey="optimism_bias.costs",
    )
    optimism_effects = reader.field(
        bias,
        "effects",
        path="optimism_bias",
        line="",
        triangles=triangles,
        kind="share",
        default=0.0,
        tkey="optimism_bias.effects",
    )
    reader.leftover_triangles(
        triangles, "", "discount_rate, optimism_bias.costs, optimism_bias.effects"
    )
    if "actors" in data:
        reader.actor_list(data["actors"], "actors")

    intervention = reader.lines(
        data, "", "intervention", name if isinstance(name, str) else "", required=True
    )
    alternatives = reader.alternatives(data["alternatives"]) if "alternatives" in data else ()
    basis, approving, project_savings = (
        reader.approval(data["approval"])
        if "approval" in data
        else ("nominal", (ORGANISATION,), True)
    )
    repayment = reader.repayment(data["repayment"]) if "repayment" in data else None
    realisation = (
        reader.realisation_plan(data["realisation_plan"]) if "realisation_plan" in data else None
    )
    if reader.issues:
        raise CalculationError(reader.issues)

    actors = reader.actors
    if actors is None:
        seen: dict[str, None] = {}
        for lines in (intervention, *alternatives):
            seen.update((effect.actor, None) for effect in lines.effects)
        actors = tuple(seen)
    return Case(
        name=name if isinstance(name, str) else "",
        currency=currency if isinstance(currency, str) else "SEK",
        start_year=start,
        project_years=project_years,
        horizon_years_after_end=horizon,
        discount_rate=discount_rate,
        discount_base_year=base_year,
        price_year=reader.price_year,
        optimism_costs=optimism_costs,
        optimism_effects=optimism_effects,
        actors=actors,
        intervention=intervention,
        alternatives=alternatives,
        approval_basis=basis,
        repayment=repayment,
        inputs=tuple(reader.inputs),
        warnings=tuple(reader.warnings),
        perspectives=tuple(reader.perspectives.items()),
        approval_perspectives=approving,
        approval_project_savings=project_savings,
        realisation_plan=realisation,
    )
