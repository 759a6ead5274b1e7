"""The grid's widgets write their HTML directly, for speed; it must be exactly what Django's
widget templates write, for every kind of value and attribute the grid uses."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from satsa.calculations.forms import (
    ActorSelect,
    DirectSelect,
    DirectTextInput,
    ListSelect,
    NumberText,
)


def by_template(widget: forms.Widget, name: str, value: Any, attrs: Any) -> str:
    """What Django's own template for the widget renders."""
    context = widget.get_context(name, value, attrs)
    return widget._render(widget.template_name, context, None)  # type: ignore[attr-defined]


VALUES = [None, "", "3 600 000", 'a "quoted" <b>&', 0, 12.5, mark_safe("<i>safe</i>")]
ATTRS = [
    None,
    {"id": "id_costs-0-y2027", "aria-describedby": "id_costs-0-y2027_errors"},
    {"required": True, "disabled": False, "data-x": 'he said "hi" & <left>', "maxlength": 300},
]


@pytest.mark.parametrize("widget", [DirectTextInput(), NumberText()], ids=["text", "number"])
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_text_cells_are_written_as_the_template_writes_them(
    widget: forms.Widget, value: Any, attrs: Any
) -> None:
    assert widget.render("costs-0-y2027", value, attrs) == by_template(
        widget, "costs-0-y2027", value, attrs
    )


CHOICES = [
    ("", gettext_lazy("– Egen uppgift –")),
    ("12", 'B12 Placering i "HVB" <dygn> & mer'),
    ("Socialnämnden", "Socialnämnden"),
    ("Försäkringskassan", "Försäkringskassan"),
]


@pytest.mark.parametrize(
    "make",
    [
        lambda: DirectSelect(choices=CHOICES),
        lambda: ListSelect(choices=CHOICES),
        lambda: ActorSelect(
            choices=CHOICES, presets={"Försäkringskassan": "other_public", "12": "society"}
        ),
        lambda: DirectSelect(
            choices=[("Nämnder", CHOICES[1:3]), ("Andra", CHOICES[3:]), *CHOICES[:1]]
        ),
    ],
    ids=["select", "list", "actor", "groups"],
)
@pytest.mark.parametrize("value", [None, "", "12", "Försäkringskassan", "Okänd & typad"])
@pytest.mark.parametrize("attrs", ATTRS)
def test_lists_are_written_as_the_template_writes_them(make: Any, value: Any, attrs: Any) -> None:
    widget = make()
    expected = by_template(make(), "effects-3-actor", value, attrs)
    assert widget.render("effects-3-actor", value, attrs) == expected
