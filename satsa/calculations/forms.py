"""Forms of the unit-cost pages and the calculation editor.

The editor's forms map one to one onto the exchange format (ECONOMICS.md §5): one
general form, one form per cost line and one per effect line, of the intervention and
of each comparison alternative. Shares are entered as percentages, which is how people
in Swedish municipalities write them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from satsa.calculations.models import (
    ActorType,
    PriceIndex,
    RealisationMeasure,
    UnitCost,
    UnitCostArea,
)
from satsa.calculations.terms import RulebookTerms
from satsa.core import fields
from satsa.core.money import input_number
from satsa.rules.numbers import to_decimal

HUNDRED = Decimal(100)


# A mixin for forms: mypy checks it as one, at run time it stays a plain class.
if TYPE_CHECKING:
    _FormMixinBase = forms.BaseForm
else:
    _FormMixinBase = object


class DescribedErrors(_FormMixinBase):
    """Point every input at the box its errors appear in, also when htmx fills the box."""

    def describe_errors(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            field.widget.attrs["aria-describedby"] = f"{bound.auto_id}_errors"


class UnitCostForm(forms.Form):
    code = forms.CharField(label=_("Kod"), max_length=40)
    name = forms.CharField(label=_("Namn"), max_length=200)
    area = forms.ChoiceField(label=_("Område"), choices=UnitCostArea.choices)
    unit = forms.CharField(
        label=_("Enhet"),
        max_length=100,
        help_text=_("T.ex. ”placeringsår” eller ”hushåll och år”."),
    )
    actor_type = forms.ChoiceField(label=_("Kostnadsbärare"), choices=ActorType.choices)
    actor_name = forms.CharField(
        label=_("Aktör i kalkylen"),
        max_length=200,
        required=False,
        help_text=_("T.ex. ”Socialnämnden” eller ”Försäkringskassan”. Tomt: kostnadsbäraren."),
    )
    value = forms.DecimalField(label=_("Värde (kr)"), min_value=0, decimal_places=2, max_digits=14)
    price_year = forms.IntegerField(label=_("Prisår"), min_value=1900, max_value=2100)
    source = forms.CharField(
        label=_("Källa"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Skriv ”antagande” om värdet inte har någon källa."),
    )
    published = forms.BooleanField(label=_("Publicera i den öppna tabellen"), required=False)


class UnitCostValueForm(forms.Form):
    value = forms.DecimalField(
        label=_("Värde (kr)"),
        min_value=0,
        decimal_places=2,
        max_digits=14,
        help_text=_("Budgetkostnaden (det finansiella värdet), som beslutsregeln räknar med."),
    )
    economic_value = forms.DecimalField(
        label=_("Ekonomiskt värde (kr)"),
        min_value=0,
        decimal_places=2,
        max_digits=14,
        required=False,
        help_text=_("Alla resurser som går åt, om det är känt. Visas bredvid."),
    )
    social_value = forms.DecimalField(
        label=_("Socialt värde (kr)"),
        min_value=0,
        decimal_places=2,
        max_digits=14,
        required=False,
        help_text=_("Värdet för samhället i stort, om det är känt. Visas bredvid."),
    )
    price_year = forms.IntegerField(label=_("Prisår"), min_value=1900, max_value=2100)
    source = forms.CharField(label=_("Källa"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (XLSX eller CSV)"),
        help_text=_("Samma kolumner som i exporten. Inget importeras förrän hela filen är felfri."),
    )

    def clean_file(self) -> Any:
        from satsa.calculations.services import MAX_IMPORT_BYTES, import_too_large_message

        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(import_too_large_message())
        return upload


class PriceIndexForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    source = forms.CharField(label=_("Källa"), required=False)


class PriceIndexPointForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=1900, max_value=2100)
    value = forms.DecimalField(label=_("Indexvärde"), min_value=Decimal("0.001"), decimal_places=3)


# --- the calculation editor ----------------------------------------------------------
#
# Cost lines and effect lines are edited as a grid, as in a spreadsheet: one row per line,
# one column per field and one per calendar year (the amount of a cost line, the volume of
# an effect line). A grid row of costs stands for one exchange-format cost line per year
# with an amount; an effect row is one effect line whose ``volume`` is its year cells.
# Numbers are read and written the way people write them (``3 600 000``, ``12,5 %``).


# --- widgets written directly ----------------------------------------------------------
#
# The grid has several hundred cells, and rendering each cell's widget through Django's
# widget templates was most of the editor's page load. These widgets write the same HTML
# as Django's templates for them (text.html, select.html, select_option.html, attrs.html,
# stripped as Django's renderer strips them), character for character;
# ``test_grid_widgets`` holds them to it.


def _shown(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` with autoescaping."""
    return str(conditional_escape(value)) if hasattr(value, "__html__") else escape(str(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{_shown(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class DirectTextInput(forms.TextInput):
    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{_shown(widget["value"])}"'
        return mark_safe(
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
            f"{shown}{_attrs(widget['attrs'])}>"
        )


class DirectSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{_shown(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class NumberText(DirectTextInput):
    """The grid's number box (``satsa.core.fields.NumberInput``, written directly)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class NumberField(fields.NumberField):
    """The grid's number field: the shared one (``satsa.core.fields``) in the grid's box."""

    widget = NumberText


class YearField(forms.IntegerField):
    widget = NumberText

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1900, max_value=2100, **kwargs)


def _pct(label: Any, required: bool = False) -> NumberField:
    return NumberField(
        label=label, required=required, min_value=0, max_value=100, decimal_places=4, percent=True
    )


class ListSelect(DirectSelect):
    """A list to choose from that keeps a value not in it (a name typed before the lists
    existed, or pasted from a spreadsheet) as an extra choice, so that nothing is lost."""

    def optgroups(self, name: str, value: list[Any], attrs: Any = None) -> Any:
        known = {str(v) for v, _label in _flat(self.choices)}
        extra = [(v, v) for v in value if v not in (None, "") and str(v) not in known]
        if extra:
            self.choices = [*self.choices, *extra]
        return super().optgroups(name, value, attrs)


class ActorSelect(ListSelect):
    """The actor list: each option carries the perspective its actor is preset to
    (``data-perspective``), which the grid copies into the line's perspective when the
    actor is chosen (``grid.js``); the server applies the same preset (``apply_presets``)."""

    def __init__(self, *args: Any, presets: Mapping[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.presets = dict(presets or {})

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.presets:
            option["attrs"]["data-perspective"] = self.presets[str(value)]
        return option


def _flat(choices: Any) -> list[tuple[Any, Any]]:
    flat: list[tuple[Any, Any]] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((value, label))
    return flat


@dataclass
class Parties:
    """Who may pay for a cost line and who may save on an effect line: the fund, the
    organisation's boards and departments and its registered external parties."""

    boards: list[str] = dataclasses.field(default_factory=list)
    departments: list[str] = dataclasses.field(default_factory=list)
    external: list[str] = dataclasses.field(default_factory=list)
    # actor → the perspective it is preset to (docs/economics.md): "" (the organisation's
    # own) for boards and departments, an external party's by its kind
    perspectives: dict[str, str] = dataclasses.field(default_factory=dict)

    def _groups(self) -> list[tuple[Any, list[tuple[str, str]]]]:
        groups = [
            (_("Nämnder"), self.boards),
            (_("Förvaltningar"), self.departments),
            (_("Externa parter"), self.external),
        ]
        return [(label, [(n, n) for n in names]) for label, names in groups if names]

    def financier_choices(self) -> list[Any]:
        return [(FUND, _("Fonden")), *self._groups()]

    def actor_choices(self) -> list[Any]:
        return [("", _("– Välj aktör –")), *self._groups()]


# The engine's name for the fund as financier (docs/economics.md).
FUND = "fund"


class CalculationForm(DescribedErrors, forms.Form):
    name = forms.CharField(label=_("Kalkylens namn"), max_length=300)
    start_year = forms.IntegerField(label=_("Startår"), min_value=1900, max_value=2100)
    project_years = forms.IntegerField(label=_("Projektår"), min_value=1, max_value=50)
    horizon_years_after_end = forms.IntegerField(
        label=_("År med effekter efter projektets slut"),
        min_value=0,
        max_value=50,
        help_text=_("Örebro 2020: högst 10 år."),
    )
    discount_rate = NumberField(
        label=_("Diskonteringsränta (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
        percent=True,
        help_text=_("Real ränta, t.ex. 3,5 %."),
    )
    discount_base_year = forms.IntegerField(
        label=_("Basår för diskontering"),
        min_value=1900,
        max_value=2100,
        required=False,
        help_text=_("Tomt: startåret."),
    )
    price_year = forms.IntegerField(
        label=_("Prisår"),
        min_value=1900,
        max_value=2100,
        required=False,
        help_text=_("Alla belopp räknas om till detta års priser. Tomt: startåret."),
    )
    price_index = forms.ModelChoiceField(
        label=_("Prisindex"),
        queryset=PriceIndex.objects.none(),
        required=False,
        empty_label=_("Inget – enhetskostnaderna används som de är"),
    )
    optimism_bias_costs = NumberField(
        label=_("Optimismpåslag på kostnader (%)"),
        min_value=0,
        max_value=500,
        decimal_places=2,
        required=False,
        percent=True,
    )
    optimism_bias_effects = _pct(_("Optimismavdrag på effekter (%)"))
    approval_basis = forms.ChoiceField(
        label=_("Beslutsregeln prövas"),
        choices=[("nominal", _("Nominellt")), ("discounted", _("Diskonterat"))],
    )

    def __init__(
        self,
        *args: Any,
        price_indices: Any = None,
        terms: RulebookTerms | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if price_indices is not None:
            cast("forms.ModelChoiceField[Any]", self.fields["price_index"]).queryset = price_indices
        # The rulebook's terms are not the applicant's to choose: the editor shows them
        # read-only and the save applies them (satsa.calculations.terms).
        if terms is not None and terms.horizon_years_after_end is not None:
            # The rulebook's cap: a longer horizon would be computed at the cap anyway.
            cap = terms.horizon_years_after_end
            horizon = cast(forms.IntegerField, self.fields["horizon_years_after_end"])
            horizon.max_value = cap
            horizon.validators.append(MaxValueValidator(cap))
            horizon.widget.attrs["max"] = str(cap)
            horizon.help_text = _("Regelverket räknar högst %(n)s år efter projektets slut.") % {
                "n": cap
            }
        if terms is not None:
            del self.fields["approval_basis"]
            if terms.fixes_discount_rate:
                del self.fields["discount_rate"]
        self.describe_errors()


def year_field(year: int) -> str:
    """The name of a grid row's cell for a calendar year."""
    return f"y{year}"


class GridLineForm(DescribedErrors, forms.Form):
    """One row of a grid: its own fields, then one number cell per year of ``years``."""

    # The fields, in column order; YEARS marks where the year cells go.
    columns: tuple[str, ...] = ()
    year_label: Any = ""

    def __init__(
        self,
        *args: Any,
        years: list[int] | None = None,
        parties: Parties | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.years = list(years or [])
        for year in self.years:
            self.fields[year_field(year)] = self.year_cell(year)
        self.parties = parties or Parties()

    def year_cell(self, year: int) -> forms.Field:
        return NumberField(label=str(year), required=False, min_value=0, decimal_places=4)

    def column_names(self) -> list[str]:
        names: list[str] = []
        for name in self.columns:
            if name == YEARS:
                names.extend(year_field(y) for y in self.years)
            else:
                names.append(name)
        return names

    def year_values(self) -> dict[int, Decimal]:
        cleaned = getattr(self, "cleaned_data", {})
        found = {}
        for year in self.years:
            value = cleaned.get(year_field(year))
            if value is not None:
                found[year] = value
        return found


YEARS = "__years__"


class CostLineForm(GridLineForm):
    columns = ("type", "financier", YEARS)

    type = forms.CharField(
        label=_("Kostnadsslag"), max_length=100, required=False, widget=DirectTextInput
    )
    financier = forms.CharField(
        label=_("Finansiär"), max_length=200, initial=FUND, widget=ListSelect()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ListSelect, self.fields["financier"].widget).choices = self.parties.financier_choices()
        self.describe_errors()

    def year_cell(self, year: int) -> forms.Field:
        return NumberField(label=str(year), required=False, min_value=0, decimal_places=2)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_changed() and not self.errors and not self.year_values():
            self.add_error(None, _("Fyll i beloppet för minst ett år, eller ta bort raden."))
        return cleaned


def unit_cost_choices(unit_costs: list[UnitCost]) -> list[tuple[str, str]]:
    """The effect line's list of unit costs to pick from (built once for every line)."""
    choices: list[tuple[str, str]] = [("", str(_("– Egen uppgift –")))]
    for unit_cost in unit_costs:
        table = unit_cost.organisation.name if unit_cost.organisation else _("nationell")
        choices.append((str(unit_cost.pk), f"{unit_cost.code} {unit_cost.name} ({table})"))
    return choices


class EffectLineForm(GridLineForm):
    columns = (
        "source",
        "name",
        "actor",
        "unit",
        "unit_cost",
        "unit_cost_price_year",
        YEARS,
        "volume_after_end",
        "deadweight",
        "attribution",
        "displacement",
        "drop_off",
        "volume_after_end_low",
        "volume_after_end_high",
        "deadweight_low",
        "deadweight_high",
        "unit_cost_low",
        "unit_cost_high",
        # The perspective, cash or capacity, and the other values per unit, last: a block
        # pasted from a spreadsheet of the earlier shape still lands where it did.
        "perspective",
        "cashable",
        "economic_unit_cost",
        "social_unit_cost",
    )

    source = forms.ChoiceField(
        label=_("Ur enhetskostnadstabellen"), required=False, choices=(), widget=DirectSelect
    )
    # The entry whose values were last copied into the line; a different ``source`` means
    # the person just picked one, and its values are copied in (see ``apply_picks``).
    source_applied = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Effekt"), max_length=300, widget=DirectTextInput)
    actor = forms.CharField(label=_("Aktör"), max_length=200, widget=ListSelect())
    unit = forms.CharField(label=_("Enhet"), max_length=100, required=False, widget=DirectTextInput)
    unit_cost = NumberField(label=_("Enhetskostnad (kr)"), min_value=0, decimal_places=2)
    unit_cost_price_year = YearField(label=_("Prisår"), required=False)
    economic_unit_cost = NumberField(
        label=_("Ekonomiskt värde per enhet (kr)"), min_value=0, decimal_places=2, required=False
    )
    social_unit_cost = NumberField(
        label=_("Socialt värde per enhet (kr)"), min_value=0, decimal_places=2, required=False
    )
    volume_after_end = NumberField(
        label=_("Volym per år därefter"), required=False, min_value=0, decimal_places=4
    )
    deadweight = _pct(_("Dödvikt (%)"))
    attribution = _pct(_("Andel som beror på andra (%)"))
    displacement = _pct(_("Undanträngning (%)"))
    drop_off = _pct(_("Avtagande per år efter projektet (%)"))
    # The actor's perspective (docs/economics.md); empty is the organisation's own, the
    # engine's default, so a form without the field keeps it.
    perspective = forms.ChoiceField(
        label=_("Aktörens perspektiv"),
        required=False,
        widget=DirectSelect,
        choices=[
            ("", _("Organisationen (egna nämnder och förvaltningar)")),
            ("other_public", _("Annan offentlig aktör (region, stat)")),
            ("individual", _("Individen (målgruppen)")),
            ("society", _("Samhället i övrigt")),
        ],
        help_text=_("Beslutsregeln räknar bara de perspektiv regelboken anger."),
    )
    # Empty is the engine's default (cash-releasing), so a form without the field keeps it.
    cashable = forms.ChoiceField(
        label=_("Besparingens art"),
        required=False,
        widget=DirectSelect,
        choices=[
            ("", _("Frigör pengar (kan tas ut ur budgeten)")),
            ("capacity", _("Frigör bara kapacitet")),
        ],
        help_text=_("Till exempel del av en tjänst: kapacitet, inte pengar att ta hem."),
    )
    volume_after_end_low = NumberField(
        label=_("Volym därefter, lägst"), required=False, min_value=0, decimal_places=4
    )
    volume_after_end_high = NumberField(
        label=_("Volym därefter, högst"), required=False, min_value=0, decimal_places=4
    )
    deadweight_low = _pct(_("Dödvikt, lägst (%)"))
    deadweight_high = _pct(_("Dödvikt, högst (%)"))
    unit_cost_low = NumberField(
        label=_("Enhetskostnad, lägst (kr)"), required=False, min_value=0, decimal_places=2
    )
    unit_cost_high = NumberField(
        label=_("Enhetskostnad, högst (kr)"), required=False, min_value=0, decimal_places=2
    )
    year_label = _("Volym")

    def __init__(
        self,
        *args: Any,
        unit_costs: list[UnitCost] | None = None,
        source_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if source_choices is None:
            source_choices = unit_cost_choices(unit_costs or [])
        cast(forms.ChoiceField, self.fields["source"]).choices = source_choices
        actor = self.fields["actor"]
        actor.widget = ActorSelect(
            choices=self.parties.actor_choices(),
            presets=self.parties.perspectives,
            attrs=actor.widget.attrs,
        )
        self.describe_errors()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field in ("volume_after_end", "deadweight", "unit_cost"):
            low, high = cleaned.get(f"{field}_low"), cleaned.get(f"{field}_high")
            if (low is None) != (high is None):
                self.add_error(
                    f"{field}_low" if low is None else f"{field}_high",
                    _("Ange både lägsta och högsta värde, eller inget av dem."),
                )
            elif low is not None and high is not None and low > high:
                self.add_error(f"{field}_high", _("Det högsta värdet är lägre än det lägsta."))
        return cleaned


EFFECT_UNCERTAIN = ("volume_after_end", "deadweight", "unit_cost")
SHARES = ("deadweight", "attribution", "displacement", "drop_off")


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for form in self.forms:
            form.empty_permitted = True
            form.use_required_attribute = False


CostFormSet = forms.formset_factory(
    CostLineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=200
)
EffectFormSet = forms.formset_factory(
    EffectLineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=100
)


# --- the grid's years ----------------------------------------------------------------

MAX_GRID_YEARS = 60


def grid_years(data: Mapping[str, Any]) -> list[int]:
    """The years the grids show for stored data: the project's years, and every later
    year a cost or volume is given for."""
    years: set[int] = set()
    start, project_years = data.get("start_year"), data.get("project_years")
    if isinstance(start, int) and isinstance(project_years, int):
        years.update(range(start, start + max(1, min(project_years, MAX_GRID_YEARS))))
    sets = [data, *((data.get("alternatives") or {}).values())]
    for lines in sets:
        if not isinstance(lines, Mapping):
            continue
        for cost in lines.get("costs") or []:
            if isinstance(cost.get("year"), int):
                years.add(cost["year"])
        for effect in lines.get("effects") or []:
            for year in effect.get("volume") or {}:
                if str(year).isdigit():
                    years.add(int(year))
    return sorted(years)[:MAX_GRID_YEARS]


def posted_years(text: str) -> list[int]:
    """The grid's years as the form carries them (``"2026,2027"``)."""
    years = set()
    for part in str(text or "").split(","):
        part = part.strip()
        if part.isdigit() and 1900 <= int(part) <= 2100:
            years.add(int(part))
    return sorted(years)[:MAX_GRID_YEARS]


# --- exchange format <-> forms -------------------------------------------------------


def _num(value: Any) -> float | int | None:
    if value is None or value == "":
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _share(value: Any) -> float:
    return float(Decimal(value) / HUNDRED) if value not in (None, "") else 0.0


def _pct_of(share: Any) -> Decimal | None:
    if share is None:
        return None
    return Decimal(format((Decimal(str(share)) * HUNDRED).normalize(), "f"))


def _is_blank(form: forms.Form) -> bool:
    return not form.has_changed() or bool(form.cleaned_data.get("DELETE"))


@dataclass
class Lines:
    """Cost and effect lines built from one pair of formsets.

    ``cost_rows`` and ``effect_rows`` give, for each line, the index of the form it came
    from (blank and deleted rows are left out); ``sources`` the unit-cost id each effect
    line was taken from.
    """

    costs: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    effects: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    cost_rows: list[int] = dataclasses.field(default_factory=list)
    effect_rows: list[int] = dataclasses.field(default_factory=list)
    sources: list[Any] = dataclasses.field(default_factory=list)
    # The year cell each cost line came from.
    cost_cells: list[str] = dataclasses.field(default_factory=list)


def lines_from_forms(costs: BaseLineFormSet, effects: BaseLineFormSet, price_year: int) -> Lines:
    """The exchange-format lines of valid cost and effect formsets."""
    lines = Lines()
    for i, form in enumerate(costs.forms):
        if _is_blank(form):
            continue
        c = form.cleaned_data
        for year, amount in sorted(form.year_values().items()):
            line = {"year": year, "amount": _num(amount), "financier": c.get("financier") or FUND}
            if c.get("type"):
                line["type"] = c["type"]
            lines.costs.append(line)
            lines.cost_rows.append(i)
            lines.cost_cells.append(year_field(year))
    for i, form in enumerate(effects.forms):
        if _is_blank(form):
            continue
        e = form.cleaned_data
        line = {
            "name": e["name"],
            "actor": e["actor"],
            "unit": e.get("unit") or "",
            "unit_cost": _num(e["unit_cost"]),
            "unit_cost_price_year": e.get("unit_cost_price_year") or price_year,
            "volume": {str(y): _num(v) for y, v in sorted(form.year_values().items())},
        }
        if e.get("volume_after_end") is not None:
            line["volume_after_end"] = _num(e["volume_after_end"])
        for share in SHARES:
            line[share] = _share(e.get(share))
        if e.get("cashable") == "capacity":
            line["cashable"] = False
        values = {
            kind: _num(e[f"{kind}_unit_cost"])
            for kind in ("economic", "social")
            if e.get(f"{kind}_unit_cost") is not None
        }
        if values:
            line["unit_cost_values"] = values
        uncertainty = {}
        for name in EFFECT_UNCERTAIN:
            low, high = e.get(f"{name}_low"), e.get(f"{name}_high")
            if low is None or high is None:
                continue
            if name == "deadweight":
                uncertainty[name] = [_share(low), line["deadweight"], _share(high)]
            else:
                mode = line.get(name, 0) or 0
                uncertainty[name] = [_num(low), mode, _num(high)]
        if uncertainty:
            line["uncertainty"] = uncertainty
        lines.effects.append(line)
        lines.effect_rows.append(i)
        lines.sources.append(int(e["source"]) if e.get("source") else None)
    return lines


def data_from_forms(
    general: CalculationForm, costs: BaseLineFormSet, effects: BaseLineFormSet
) -> tuple[dict[str, Any], Lines]:
    """Build the exchange-format dict from valid forms, and the lines with the rows they
    came from (see :class:`Lines`)."""
    g = general.cleaned_data
    start = g["start_year"]
    data: dict[str, Any] = {
        "name": g["name"],
        "currency": "SEK",
        "start_year": start,
        "project_years": g["project_years"],
        "horizon_years_after_end": g["horizon_years_after_end"],
        "discount_rate": _share(g.get("discount_rate")),
        "discount_base_year": g.get("discount_base_year") or start,
        "price_year": g.get("price_year") or start,
    }
    index = g.get("price_index")
    if index is not None:
        data["price_index"] = index.as_mapping()
    data["optimism_bias"] = {
        "costs": _share(g.get("optimism_bias_costs")),
        "effects": _share(g.get("optimism_bias_effects")),
    }
    lines = lines_from_forms(costs, effects, data["price_year"])
    data["costs"], data["effects"] = lines.costs, lines.effects
    # Without the field the case's rulebook sets the basis (see CalculationForm).
    data["approval"] = {"basis": g.get("approval_basis") or "nominal"}
    return data, lines


# The comparison alternatives the guidelines name (ECONOMICS.md §2), in the order the
# editor shows them: key in the exchange format, and the name stored with the lines.
ALTERNATIVES = (("ordinary", "Ordinarie insats"), ("none", "Ingen insats"))
ALTERNATIVE_LABELS = {"ordinary": _("Ordinarie insats"), "none": _("Ingen insats")}


def alternative_from_lines(name: str, lines: Lines) -> dict[str, Any] | None:
    """One alternative in the exchange format; None when it has no lines (it is left out)."""
    if not lines.costs and not lines.effects:
        return None
    return {"name": name, "costs": lines.costs, "effects": lines.effects}


def perspectives_from_forms(effects: BaseLineFormSet) -> dict[str, str]:
    """Each effect line's actor → the perspective chosen for it (first line wins)."""
    found: dict[str, str] = {}
    for form in effects.forms:
        if _is_blank(form) or not form.cleaned_data.get("actor"):
            continue
        found.setdefault(form.cleaned_data["actor"], form.cleaned_data.get("perspective") or "")
    return found


def apply_presets(
    chosen: dict[str, str], presets: Mapping[str, str], known: set[str]
) -> dict[str, str]:
    """The perspectives chosen on the lines, with an actor new to the calculation (not in
    ``known``) whose line leaves the perspective at the default taking its preset: a
    region or state agency registered as a party counts as ``other_public`` without
    anyone having to choose it. An actor already in the calculation keeps what it has."""
    return {
        actor: (presets.get(actor, "") if not perspective and actor not in known else perspective)
        for actor, perspective in chosen.items()
    }


def known_actors(data: Mapping[str, Any]) -> set[str]:
    """The actors stored data already names: its ``actors`` list and its effect lines'
    (the intervention's and the alternatives')."""
    known: set[str] = set()
    for item in data.get("actors") or []:
        if isinstance(item, str):
            known.add(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            known.add(item["name"])
    specs = [data, *((data.get("alternatives") or {}).values())]
    for spec in specs:
        if not isinstance(spec, Mapping):
            continue
        for effect in spec.get("effects") or []:
            if isinstance(effect, Mapping) and isinstance(effect.get("actor"), str):
                known.add(effect["actor"])
    return known


def merge_actors(stored: Any, chosen: dict[str, str]) -> list[Any] | None:
    """The ``actors`` list with the perspectives chosen in the editor: the stored actors in
    their order, then the lines' new ones; a plain name for the organisation's own, an
    object otherwise. None when nothing needs listing (no stored list, all the
    organisation's)."""
    order: dict[str, str] = {}
    for item in stored if isinstance(stored, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            order[item["name"]] = str(item.get("perspective") or "")
        elif isinstance(item, str):
            order[item] = ""
    had_list = isinstance(stored, list)
    for actor, perspective in chosen.items():
        order[actor] = "" if perspective == "organisation" else perspective
    if not had_list and not any(order.values()):
        return None
    return [
        {"name": name, "perspective": perspective} if perspective else name
        for name, perspective in order.items()
    ]


def initial_from_data(
    data: dict[str, Any], sources: list[Any] | None = None, price_index: Any = None
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The forms' initial values for stored exchange-format data."""
    start = data.get("start_year")
    ob = data.get("optimism_bias") or {}
    general = {
        "name": data.get("name", ""),
        "start_year": start,
        "project_years": data.get("project_years"),
        "horizon_years_after_end": data.get("horizon_years_after_end", 10),
        "discount_rate": _pct_of(data.get("discount_rate", 0)),
        "discount_base_year": data.get("discount_base_year", start),
        "price_year": data.get("price_year", start),
        "price_index": price_index.pk if price_index else None,
        "optimism_bias_costs": _pct_of(ob.get("costs", 0)),
        "optimism_bias_effects": _pct_of(ob.get("effects", 0)),
        "approval_basis": (data.get("approval") or {}).get("basis", "nominal"),
    }
    costs, effects = lines_initial(data, sources, actors=data.get("actors"))
    return general, costs, effects


def cost_rows(costs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cost lines gathered into grid rows: lines of the same kind and financier share a
    row, one cell per year (a second line in the same year starts another row)."""
    rows: list[dict[str, Any]] = []
    for cost in costs:
        financier, kind = cost.get("financier", FUND), cost.get("type", "")
        year = cost.get("year")
        cell = year_field(year) if isinstance(year, int) else None
        row = next(
            (
                r
                for r in rows
                if r["financier"] == financier and r["type"] == kind and cell not in r
            ),
            None,
        )
        if row is None:
            row = {"financier": financier, "type": kind}
            rows.append(row)
        if cell is not None:
            row[cell] = cost.get("amount")
    return rows


def lines_initial(
    lines: Mapping[str, Any], sources: list[Any] | None = None, actors: Any = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The line forms' initial values for the ``costs`` and ``effects`` of the intervention
    or of one alternative (``actors``: the case's list, for the actors' perspectives)."""
    perspectives: dict[str, str] = {}
    for item in actors if isinstance(actors, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            chosen = str(item.get("perspective") or "")
            perspectives[item["name"]] = "" if chosen == "organisation" else chosen
    costs = cost_rows(list(lines.get("costs") or []))
    effects = []
    sources = sources or []
    for i, e in enumerate(lines.get("effects") or []):
        source = str(sources[i]) if i < len(sources) and sources[i] else ""
        row: dict[str, Any] = {
            "source": source,
            "source_applied": source,
            "name": e.get("name", ""),
            "actor": e.get("actor", ""),
            "unit": e.get("unit", ""),
            "unit_cost": e.get("unit_cost"),
            "unit_cost_price_year": e.get("unit_cost_price_year"),
            "volume_after_end": e.get("volume_after_end"),
            "cashable": "" if e.get("cashable", True) else "capacity",
            "perspective": perspectives.get(e.get("actor", ""), ""),
            "economic_unit_cost": (e.get("unit_cost_values") or {}).get("economic"),
            "social_unit_cost": (e.get("unit_cost_values") or {}).get("social"),
        }
        for year, volume in (e.get("volume") or {}).items():
            if str(year).isdigit():
                row[year_field(int(year))] = volume
        for share in SHARES:
            row[share] = _pct_of(e.get(share, 0))
        for name, triple in (e.get("uncertainty") or {}).items():
            if name not in EFFECT_UNCERTAIN or len(triple) != 3:
                continue
            conv = _pct_of if name == "deadweight" else (lambda v: v)
            row[f"{name}_low"], row[f"{name}_high"] = conv(triple[0]), conv(triple[2])
        effects.append(row)
    return costs, effects


def unit_cost_fill(entry: UnitCost) -> dict[str, str]:
    """What picking ``entry`` writes into an effect line (also sent to the browser, which
    fills the line at once)."""
    latest = entry.latest()
    fill = {"name": entry.name, "actor": entry.actor_label, "unit": entry.unit}
    if latest is not None:
        fill["unit_cost"] = input_number(latest.value)
        fill["unit_cost_price_year"] = str(latest.price_year)
        for kind in ("economic", "social"):
            other = getattr(latest, f"{kind}_value", None)
            fill[f"{kind}_unit_cost"] = "" if other is None else input_number(other)
    return fill


def apply_picks(post: Any, unit_costs: dict[str, UnitCost], prefix: str = "effects") -> list[int]:
    """Copy a newly picked unit-cost entry into its effect line, in (a copy of) POST data.

    The browser does the same as soon as an entry is picked; this is for a form sent
    without scripts. The name is kept when one was typed. Returns the indices of the
    lines that changed.
    """
    changed = []
    total = int(post.get(f"{prefix}-TOTAL_FORMS") or 0)
    for i in range(min(total, 100)):
        key = f"{prefix}-{i}-"
        picked, applied = post.get(key + "source", ""), post.get(key + "source_applied", "")
        if picked == applied:
            continue
        post[key + "source_applied"] = picked
        entry = unit_costs.get(picked)
        if entry is None:
            continue
        previous = unit_costs.get(applied)
        name = post.get(key + "name", "").strip()
        for field, value in unit_cost_fill(entry).items():
            if field == "name" and name and (previous is None or name != previous.name):
                continue
            post[key + field] = value
        changed.append(i)
    return changed


# --- the realisation plan (effekthemtagningsplan) ------------------------------------


class RealisationLineForm(forms.Form):
    """One entry of the realisation plan: a board takes an amount home in a year, by a
    measure. A row left blank is ignored."""

    board = forms.ChoiceField(label=_("Nämnd"), required=False)
    year = YearField(label=_("År"), required=False)
    amount = NumberField(label=_("Belopp (kr)"), required=False, min_value=0, decimal_places=2)
    measure = forms.ChoiceField(
        label=_("Åtgärd"), choices=RealisationMeasure.choices, initial=RealisationMeasure.OTHER
    )

    def __init__(self, *args: Any, boards: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        board = cast(forms.ChoiceField, self.fields["board"])
        board.choices = [("", _("– Välj nämnd –")), *((b, b) for b in boards)]
        board.widget = ListSelect(choices=board.choices)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [cleaned.get(f) not in (None, "") for f in ("board", "year", "amount")]
        if any(given):
            for field, label in (
                ("board", _("Välj nämnd.")),
                ("year", _("Ange år.")),
                ("amount", _("Ange belopp.")),
            ):
                if cleaned.get(field) in (None, "") and field not in self.errors:
                    self.add_error(field, label)
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(data.get(f) in (None, "") for f in ("board", "year", "amount"))


RealisationFormSet = forms.formset_factory(
    RealisationLineForm, formset=BaseLineFormSet, extra=3, can_delete=True, max_num=200
)


def realisation_initial(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The formset's rows for a stored plan."""
    return [
        {
            "board": e.get("board", ""),
            "year": e.get("year"),
            "amount": to_decimal(e.get("amount")),
            "measure": e.get("measure", RealisationMeasure.OTHER),
        }
        for e in entries
    ]
