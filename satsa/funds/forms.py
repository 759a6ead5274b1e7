"""Forms of the fund's pages. Each posting form carries an idempotency key in a hidden
field, made when the form is shown, so that a replayed POST books once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from satsa.funds.services import PaymentLine, PlanPeriod, new_idempotency_key

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from satsa.orgs.models import Board


class KeyedForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", new_idempotency_key())
        super().__init__(*args, **kwargs)


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class MoneyField(forms.DecimalField):
    """Kronor as people type them: "65 000 000,00", "1234.5"."""

    # Django's DecimalField subclasses IntegerField yet returns a Decimal; django-stubs ignores
    # the same override on DecimalField itself, so mypy checks ours against IntegerField's.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u00a0", "").replace(",", ".")
        return super().to_python(value)


def _amount_field(label: Any = None, *, required: bool = True) -> MoneyField:
    return MoneyField(
        label=label or _("Belopp (kr)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01") if required else Decimal(0),
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class MovementForm(KeyedForm):
    """A deposit or a withdrawal by council decision."""

    amount = _amount_field()
    booked_on = _date_field(_("Beslutsdatum"))
    reference = forms.CharField(
        label=_("Beslut (referens)"), max_length=200, help_text=_("T.ex. KF 2013-05-28 § 112.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["booked_on"].initial = timezone.localdate()


class ClaimForm(KeyedForm):
    period = forms.ChoiceField(label=_("Rapporteringstillfälle"))
    amount = _amount_field(_("Upparbetade kostnader som begärs (kr)"))
    description = forms.CharField(
        label=_("Vad kostnaderna avser"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    report_reference = forms.CharField(
        label=_("Periodens rapport"),
        max_length=200,
        required=False,
        help_text=_("Referens till rapporten för perioden."),
    )

    override_reason = forms.CharField(
        label=_("Motivering för avsteg från utbetalningsplanen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Behövs bara om begäran tar utbetalningarna över den godkända planen."),
    )

    def __init__(
        self,
        *args: Any,
        periods: list[Any],
        years: range,
        held_to_plan: bool = False,
        co_financing: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not held_to_plan:
            del self.fields["override_reason"]
        if co_financing:
            # The rule is told before the claim is written, not only when it is refused.
            self.fields["costs_incurred"] = _amount_field(
                _("Periodens totala kostnader, medfinansieringen inräknad (kr)")
            )
            self.fields["costs_incurred"].help_text = _(
                "Sökande ska medfinansiera minst %(percent)s av kostnaden; fonden betalar "
                "högst resten."
            ) % {"percent": co_financing}
            self.order_fields(["period", "costs_incurred", "amount"])
        today = timezone.localdate()
        choices = [
            (f"{p.code}:{p.in_year(year).isoformat()}", f"{p.name_sv} {year}")
            for year in years
            for p in periods
            if p.in_year(year) <= today
        ]
        cast(forms.ChoiceField, self.fields["period"]).choices = choices

    def period_value(self) -> tuple[str, dt.date]:
        """(period code, the day it ends) of the chosen reporting point."""
        code, _sep, day = self.cleaned_data["period"].partition(":")
        return code, dt.date.fromisoformat(day)


class ApproveForm(KeyedForm):
    override_reason = forms.CharField(
        label=_("Motivering för avsteg från utbetalningsplanen"), max_length=1000, required=False
    )


class PayForm(KeyedForm):
    booked_on = _date_field(_("Utbetalningsdag"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["booked_on"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivering"), max_length=500)
    booked_on = _date_field(_("Bokföringsdag"), required=False)


class RepaymentForm(KeyedForm):
    board: forms.ModelChoiceField[Board] = forms.ModelChoiceField(label=_("Nämnd"), queryset=None)
    principal = _amount_field(_("Återföring (kr)"))
    fee = _amount_field(_("Administrativ avgift (kr)"), required=False)
    received_on = _date_field(_("Bokföringsdag"))
    reference = forms.CharField(label=_("Referens"), max_length=200, required=False)

    def __init__(self, *args: Any, boards: QuerySet[Board], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Board]", self.fields["board"]).queryset = boards
        self.fields["received_on"].initial = timezone.localdate()


class PositionDateForm(forms.Form):
    date = _date_field(_("Ställning per dag"), required=False)


def _parse_amount(text: str) -> Decimal:
    cleaned = "".join(text.split()).replace("\u00a0", "").replace(",", ".")
    if cleaned.lower().endswith("kr"):
        cleaned = cleaned[:-2]
    try:
        amount = Decimal(cleaned)
    except ArithmeticError:
        raise ValueError(text) from None
    if not amount.is_finite():
        raise ValueError(text)
    return amount


def payment_lines_text(pairs: list[tuple[PlanPeriod, Decimal]]) -> str:
    """The textarea's text for ``pairs``: one "år;period;belopp" line each."""
    return "\n".join(
        f"{p.year};{p.short};" + f"{a:.2f}".replace(".", ",").removesuffix(",00") for p, a in pairs
    )


class PaymentPlanForm(forms.Form):
    """A new version of the payment plan, one line per reporting period: "år;period;belopp".

    The lines are parsed here (each error names its line); the service checks the periods
    against the rulebook and the total against the grant.
    """

    lines = forms.CharField(
        label=_("Rader: år;period;belopp"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Kommentar till styrgruppen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, periods: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rulebook's periods, so that the help names the ones this case reports at.
        names = [p.name_sv for p in periods or []] or [gettext("Helår")]
        self.fields["lines"].help_text = gettext(
            "En rad per utbetalning, t.ex. 2017;T1;150 000. Perioden anges som %(short)s "
            "eller med sitt namn (%(names)s). Raderna ska tillsammans bli det beviljade "
            "beloppet."
        ) % {
            "short": ", ".join(f"T{n}" for n in range(1, len(names) + 1)),
            "names": ", ".join(names),
        }

    def clean_lines(self) -> list[PaymentLine]:
        parsed: list[PaymentLine] = []
        errors: list[str] = []
        for n, raw in enumerate(self.cleaned_data["lines"].splitlines(), 1):
            text = raw.strip()
            if not text:
                continue
            parts = [p.strip() for p in text.replace("\t", ";").split(";")]
            # "2017-T1;150000" is the same as "2017;T1;150000".
            if len(parts) == 2 and "-" in parts[0]:
                year_text, _sep, period = parts[0].partition("-")
                parts = [year_text, period, parts[1]]
            if len(parts) != 3 or not all(parts):
                errors.append(
                    gettext(
                        "Rad %(line)s: skriv år, period och belopp åtskilda med semikolon, "
                        "t.ex. 2017;T1;150 000."
                    )
                    % {"line": n}
                )
                continue
            year_text, period, amount_text = parts
            if not (year_text.isdigit() and 1990 <= int(year_text) <= 2200):
                errors.append(
                    gettext("Rad %(line)s: ”%(year)s” är inte ett år.")
                    % {"line": n, "year": year_text}
                )
                continue
            try:
                amount = _parse_amount(amount_text)
            except ValueError:
                errors.append(
                    gettext("Rad %(line)s: ”%(amount)s” är inte ett belopp i kronor.")
                    % {"line": n, "amount": amount_text}
                )
                continue
            parsed.append(PaymentLine(int(year_text), period, amount, line=n))
        if errors:
            raise ValidationError(errors)
        if not parsed:
            raise ValidationError(gettext("Planen behöver minst en rad."))
        return parsed
