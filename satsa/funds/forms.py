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

from satsa.core.fields import NumberField
from satsa.funds.services import ManualLine, PaymentLine, PlanPeriod, new_idempotency_key

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


def _amount_field(label: Any = None, *, required: bool = True) -> NumberField:
    return NumberField(
        label=label or _("Belopp (kr)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01") if required else Decimal(0),
        required=required,
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
        since: dt.date | None = None,
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
        # In arrears: the reporting points that have passed, from the project's start.
        points = sorted(
            (p.in_year(year), p, year)
            for year in years
            for p in periods
            if since is None or p.in_year(year) >= since
        )
        cast(forms.ChoiceField, self.fields["period"]).choices = [
            (f"{p.code}:{end.isoformat()}", f"{p.name_sv} {year}")
            for end, p, year in points
            if end <= today
        ]
        # The next point, for the page to say when a claim can be made when none can now.
        self.next_point = next(
            ((f"{p.name_sv} {year}", end) for end, p, year in points if end > today), None
        )

    @property
    def has_points(self) -> bool:
        return bool(cast(forms.ChoiceField, self.fields["period"]).choices)

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

    def __init__(
        self, *args: Any, boards: QuerySet[Board], with_fee: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Board]", self.fields["board"]).queryset = boards
        self.fields["received_on"].initial = timezone.localdate()
        if not with_fee:
            # A rulebook without an administrative fee (Uppsala) asks for none.
            del self.fields["fee"]


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


def _board_named(text: str, boards: list[Board]) -> Board | None:
    """The board whose name is ``text`` (case-insensitive), or the only one it begins."""
    wanted = text.strip().casefold()
    exact = [b for b in boards if b.name.casefold() == wanted]
    if exact:
        return exact[0]
    starts = [b for b in boards if b.name.casefold().startswith(wanted)]
    return starts[0] if len(starts) == 1 else None


class ManualRepaymentPlanForm(forms.Form):
    """A repayment plan written by hand, one line per board and year: "år;nämnd;belopp".

    The amounts share the granted cost among the boards that repay; the rulebook's fee is
    added by the service. The reason is required (why not drawn from the calculation).
    """

    lines = forms.CharField(
        label=_("Rader: år;nämnd;belopp"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    decided_on = _date_field(_("Beslutsdatum"))
    reference = forms.CharField(label=_("Referens"), max_length=200, required=False)

    def __init__(self, *args: Any, boards: list[Board], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.boards = boards
        self.fields["lines"].help_text = gettext(
            "En rad per nämnd och år, t.ex. 2019;Socialnämnden;500 000. Beloppen ska "
            "tillsammans bli det beviljade beloppet; den administrativa avgiften läggs till. "
            "Nämnder: %(boards)s."
        ) % {"boards": ", ".join(b.name for b in boards)}

    def clean_lines(self) -> list[ManualLine]:
        parsed: list[ManualLine] = []
        errors: list[str] = []
        for n, raw in enumerate(self.cleaned_data["lines"].splitlines(), 1):
            text = raw.strip()
            if not text:
                continue
            parts = [p.strip() for p in text.replace("\t", ";").split(";")]
            if len(parts) != 3 or not all(parts):
                errors.append(
                    gettext(
                        "Rad %(line)s: skriv år, nämnd och belopp åtskilda med semikolon, "
                        "t.ex. 2019;Socialnämnden;500 000."
                    )
                    % {"line": n}
                )
                continue
            year_text, board_text, amount_text = parts
            if not (year_text.isdigit() and 1990 <= int(year_text) <= 2200):
                errors.append(
                    gettext("Rad %(line)s: ”%(year)s” är inte ett år.")
                    % {"line": n, "year": year_text}
                )
                continue
            board = _board_named(board_text, self.boards)
            if board is None:
                errors.append(
                    gettext("Rad %(line)s: ”%(board)s” är ingen av organisationens nämnder.")
                    % {"line": n, "board": board_text}
                )
                continue
            try:
                amount = _parse_amount(amount_text)
            except ValueError:
                errors.append(
                    gettext("Rad %(line)s: ”%(amount)s” är inget belopp.")
                    % {"line": n, "amount": amount_text}
                )
                continue
            parsed.append(ManualLine(board=board, year=int(year_text), amount=amount))
        if errors:
            raise ValidationError(errors)
        if not parsed:
            raise ValidationError(gettext("Planen behöver minst en rad."))
        return parsed


def manual_plan_text(lines: list[tuple[int, Board, Decimal]]) -> str:
    """The textarea's text for (year, board, amount) lines."""
    return "\n".join(
        f"{year};{board.name};" + f"{amount:.2f}".replace(".", ",").removesuffix(",00")
        for year, board, amount in lines
    )


class SettlementForm(forms.Form):
    """The repayment settlement after the evaluation: realised savings per board."""

    settled_on = _date_field(_("Avräkningsdag"))
    reference = forms.CharField(label=_("Underlag (t.ex. utvärderingsrapport)"), max_length=200)

    def __init__(self, *args: Any, boards: list[Board], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.boards = boards
        self.fields["settled_on"].initial = timezone.localdate()
        for board in boards:
            self.fields[f"savings_{board.pk}"] = _amount_field(
                gettext("Realiserade besparingar, %(board)s (kr)") % {"board": board.name},
                required=False,
            )
            self.fields[f"savings_{board.pk}"].initial = Decimal(0)

    def savings(self) -> dict[Board, Decimal]:
        return {
            board: self.cleaned_data.get(f"savings_{board.pk}") or Decimal(0)
            for board in self.boards
        }


class RepaymentChoiceForm(forms.Form):
    """The coordinator's choice for a project starting in the rulebook's gap."""

    applies = forms.ChoiceField(
        label=_("Gäller återföringsmodellen?"),
        choices=[("yes", _("Ja, återföringsmodellen tillämpas")), ("no", _("Nej"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 2}))
