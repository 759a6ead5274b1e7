"""Forms of the unit-cost pages and the calculation editor.

The editor's forms map one to one onto the exchange format (ECONOMICS.md §5): one
general form, one form per cost line and one per effect line, of the intervention and
of each comparison alternative. Shares are entered as percentages, which is how people
in Swedish municipalities write them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from satsa.calculations.models import ActorType, PriceIndex, UnitCost, UnitCostArea
from satsa.calculations.terms import RulebookTerms

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


def _pct(label: Any, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_value=100, decimal_places=2
    )


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
    discount_rate = forms.DecimalField(
        label=_("Diskonteringsränta (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
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
    optimism_bias_costs = forms.DecimalField(
        label=_("Optimismpåslag på kostnader (%)"),
        min_value=0,
        max_value=500,
        decimal_places=2,
        required=False,
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


class CostLineForm(DescribedErrors, forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=1900, max_value=2100)
    amount = forms.DecimalField(label=_("Belopp (kr)"), min_value=0, decimal_places=2)
    financier = forms.CharField(
        label=_("Finansiär"),
        max_length=200,
        help_text=_("”fund” för fonden, annars partens namn."),
    )
    type = forms.CharField(label=_("Kostnadsslag"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe_errors()


VOLUME_RE = re.compile(r"^\s*(\d{4})\s*[:=]\s*(-?\d+(?:[.,]\d+)?)\s*$")


class EffectLineForm(DescribedErrors, forms.Form):
    source = forms.ChoiceField(label=_("Från enhetskostnadstabellen"), required=False, choices=())
    # The entry whose values were last copied into the line; a different ``source`` means
    # the person just picked one, and its values are copied in (see ``apply_picks``).
    source_applied = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Effekt"), max_length=300)
    actor = forms.CharField(label=_("Aktör"), max_length=200)
    unit = forms.CharField(label=_("Enhet"), max_length=100, required=False)
    unit_cost = forms.DecimalField(label=_("Enhetskostnad (kr)"), min_value=0, decimal_places=2)
    unit_cost_price_year = forms.IntegerField(
        label=_("Enhetskostnadens prisår"), min_value=1900, max_value=2100, required=False
    )
    economic_unit_cost = forms.DecimalField(
        label=_("Ekonomiskt värde per enhet (kr)"), min_value=0, decimal_places=2, required=False
    )
    social_unit_cost = forms.DecimalField(
        label=_("Socialt värde per enhet (kr)"), min_value=0, decimal_places=2, required=False
    )
    volume = forms.CharField(
        label=_("Volym per år"),
        required=False,
        help_text=_("Antal enheter som undviks, t.ex. ”2027: 1; 2028: 2”."),
    )
    volume_after_end = forms.DecimalField(
        label=_("Volym per år efter projektet"), required=False, decimal_places=3
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
        choices=[
            ("", _("Frigör pengar (kan tas ut ur budgeten)")),
            ("capacity", _("Frigör bara kapacitet")),
        ],
        help_text=_("Till exempel del av en tjänst: kapacitet, inte pengar att ta hem."),
    )
    volume_after_end_low = forms.DecimalField(
        label=_("Volym efter projektet, lägst"), required=False, decimal_places=3
    )
    volume_after_end_high = forms.DecimalField(
        label=_("Volym efter projektet, högst"), required=False, decimal_places=3
    )
    deadweight_low = _pct(_("Dödvikt, lägst (%)"))
    deadweight_high = _pct(_("Dödvikt, högst (%)"))
    unit_cost_low = forms.DecimalField(
        label=_("Enhetskostnad, lägst (kr)"), required=False, min_value=0, decimal_places=2
    )
    unit_cost_high = forms.DecimalField(
        label=_("Enhetskostnad, högst (kr)"), required=False, min_value=0, decimal_places=2
    )

    def __init__(self, *args: Any, unit_costs: list[UnitCost] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("– Egen uppgift –")))]
        for unit_cost in unit_costs or []:
            table = unit_cost.organisation.name if unit_cost.organisation else _("nationell")
            choices.append((str(unit_cost.pk), f"{unit_cost.code} {unit_cost.name} ({table})"))
        cast(forms.ChoiceField, self.fields["source"]).choices = choices
        self.describe_errors()

    def clean_volume(self) -> dict[str, float]:
        text = self.cleaned_data.get("volume") or ""
        volumes: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
            match = VOLUME_RE.match(part)
            if not match:
                raise forms.ValidationError(
                    _(
                        "Skriv år och antal, t.ex. ”2027: 1; 2028: 2”. ”%(part)s” går inte att läsa."
                    ),
                    params={"part": part},
                )
            year, amount = match.groups()
            if year in volumes:
                raise forms.ValidationError(
                    _("Året %(year)s står två gånger."), params={"year": year}
                )
            volumes[year] = float(amount.replace(",", "."))
        return volumes

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
    CostLineForm, formset=BaseLineFormSet, extra=1, can_delete=True, max_num=200
)
EffectFormSet = forms.formset_factory(
    EffectLineForm, formset=BaseLineFormSet, extra=1, can_delete=True, max_num=100
)


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


def lines_from_forms(costs: BaseLineFormSet, effects: BaseLineFormSet, price_year: int) -> Lines:
    """The exchange-format lines of valid cost and effect formsets."""
    lines = Lines()
    for i, form in enumerate(costs.forms):
        if _is_blank(form):
            continue
        c = form.cleaned_data
        line = {"year": c["year"], "amount": _num(c["amount"]), "financier": c["financier"]}
        if c.get("type"):
            line["type"] = c["type"]
        lines.costs.append(line)
        lines.cost_rows.append(i)
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
            "volume": e.get("volume") or {},
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
) -> tuple[dict[str, Any], list[int], list[int], list[Any]]:
    """Build the exchange-format dict from valid forms.

    Also returns, for each cost and effect line in the dict, the index of the form it came
    from (blank and deleted rows are left out), and the unit-cost id each effect was taken from.
    """
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
    return data, lines.cost_rows, lines.effect_rows, lines.sources


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
    costs = [
        {
            "year": c.get("year"),
            "amount": c.get("amount"),
            # The engine's default when a line names no financier (docs/economics.md).
            "financier": c.get("financier", "fund"),
            "type": c.get("type", ""),
        }
        for c in lines.get("costs") or []
    ]
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
            "volume": "; ".join(f"{y}: {_fmt(v)}" for y, v in (e.get("volume") or {}).items()),
            "volume_after_end": e.get("volume_after_end"),
            "cashable": "" if e.get("cashable", True) else "capacity",
            "perspective": perspectives.get(e.get("actor", ""), ""),
            "economic_unit_cost": (e.get("unit_cost_values") or {}).get("economic"),
            "social_unit_cost": (e.get("unit_cost_values") or {}).get("social"),
        }
        for share in SHARES:
            row[share] = _pct_of(e.get(share, 0))
        for name, triple in (e.get("uncertainty") or {}).items():
            if name not in EFFECT_UNCERTAIN or len(triple) != 3:
                continue
            conv = _pct_of if name == "deadweight" else (lambda v: v)
            row[f"{name}_low"], row[f"{name}_high"] = conv(triple[0]), conv(triple[2])
        effects.append(row)
    return costs, effects


def _fmt(value: Any) -> str:
    number = Decimal(str(value))
    text = str(int(number)) if number == number.to_integral_value() else str(number)
    return text.replace(".", ",")


def apply_picks(post: Any, unit_costs: dict[str, UnitCost], prefix: str = "effects") -> list[int]:
    """Copy a newly picked unit-cost entry into its effect line, in (a copy of) POST data.

    Returns the indices of the lines that changed, so that they can be shown again.
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
        latest = entry.latest()
        previous = unit_costs.get(applied)
        name = post.get(key + "name", "").strip()
        if not name or (previous is not None and name == previous.name):
            post[key + "name"] = entry.name
        post[key + "actor"] = entry.actor_label
        post[key + "unit"] = entry.unit
        if latest is not None:
            post[key + "unit_cost"] = str(latest.value)
            post[key + "unit_cost_price_year"] = str(latest.price_year)
            for kind in ("economic", "social"):
                other = getattr(latest, f"{kind}_value", None)
                post[key + f"{kind}_unit_cost"] = "" if other is None else str(other)
        changed.append(i)
    return changed
