"""Individual-level data imported in the background (``satsa.files``): a file of 100 000
rows takes longer than a request should, and another server's worker may import it.

The imports run through this app's services (``measurements_import``,
``instruments_import``), which check the person's permission again, lock and write the
events, as the person who uploaded the file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satsa.cases import access
from satsa.cases.access import Action
from satsa.cases.models import Case
from satsa.files.registry import ImportKind, ImportRefused, import_kind
from satsa.followup import services
from satsa.followup.imports import MeasurementImportError
from satsa.followup.models import Instrument, Measure
from satsa.followup.pseudonyms import PseudonymKeyMissing, pseudonym_key

MEASURE_VALUES = "measure_values"
INSTRUMENT_RESULTS = "instrument_results"


def _key_missing() -> ValidationError:
    return ValidationError(
        _(
            "Nyckeln för pseudonymisering saknas (SATSA_PSEUDONYM_KEY); individdata kan inte importeras."
        )
    )


def _key_ready() -> None:
    try:
        pseudonym_key()
    except PseudonymKeyMissing as error:
        raise _key_missing() from error


def _id(params: Mapping[str, str], name: str) -> int:
    raw = params.get(name, "")
    if not raw.isdigit():
        raise Measure.DoesNotExist(f"no {name} {raw!r}")
    return int(raw)


def _measure(organisation: Any, params: Mapping[str, str]) -> Measure:
    return Measure.objects.select_related("schema__case__organisation").get(
        pk=_id(params, "measure"), schema__organisation=organisation
    )


def _case(organisation: Any, params: Mapping[str, str]) -> Case:
    return Case.objects.select_related("organisation").get(
        pk=_id(params, "case"), organisation=organisation
    )


def _refused(error: MeasurementImportError | PseudonymKeyMissing) -> Exception:
    if isinstance(error, MeasurementImportError):
        return ImportRefused(error.messages)
    return _key_missing()


def _measure_authorise(actor: Any, organisation: Any, params: Mapping[str, str]) -> str:
    measure = _measure(organisation, params)
    access.check(actor, measure.schema.case, Action.REPORT)
    return f"{measure.name} – {measure.schema.case.title}"


def _measure_run(
    actor: Any, organisation: Any, params: Mapping[str, str], content: bytes, filename: str
) -> Mapping[str, int]:
    measure = _measure(organisation, params)
    try:
        batch = services.measurements_import(
            measure=measure, actor=actor, content=content, filename=filename
        )
    except (MeasurementImportError, PseudonymKeyMissing) as error:
        raise _refused(error) from error
    return {"rows": batch.rows}


def _instrument(params: Mapping[str, str]) -> str:
    instrument = params.get("instrument", "")
    if instrument not in Instrument.values:
        raise ValidationError({"instrument": [_("Välj instrument.")]})
    return instrument


def _instruments_authorise(actor: Any, organisation: Any, params: Mapping[str, str]) -> str:
    case = _case(organisation, params)
    access.check(actor, case, Action.REPORT)
    instrument = _instrument(params)
    return f"{Instrument(instrument).label} – {case.title}"


def _instruments_run(
    actor: Any, organisation: Any, params: Mapping[str, str], content: bytes, filename: str
) -> Mapping[str, int]:
    case = _case(organisation, params)
    try:
        batch = services.instruments_import(
            case=case,
            actor=actor,
            instrument=_instrument(params),
            content=content,
            filename=filename,
        )
    except (MeasurementImportError, PseudonymKeyMissing) as error:
        raise _refused(error) from error
    return {"rows": batch.rows}


DONE = gettext_lazy("%(rows)d rader har importerats och pseudonymiserats.")

for kind in (
    ImportKind(
        MEASURE_VALUES,
        gettext_lazy("Individdata till ett mått"),
        _measure_authorise,
        _measure_run,
        ("measure",),
        ready=_key_ready,
        done=DONE,
    ),
    ImportKind(
        INSTRUMENT_RESULTS,
        gettext_lazy("Instrumentresultat (KASAM, SDQ)"),
        _instruments_authorise,
        _instruments_run,
        ("case", "instrument"),
        ready=_key_ready,
        done=DONE,
    ),
):
    import_kind(kind)
