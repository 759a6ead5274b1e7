"""The shared form template ties each field's help text to the field for screen readers."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class Example(forms.Form):
    amount = forms.DecimalField(label="Belopp", help_text="I kronor, utan öre.")


def test_every_described_by_id_exists_in_the_page() -> None:
    html = render_to_string("_form.html", {"form": Example()})
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described
    for ids in described:
        for target in ids.split():
            assert f'id="{target}"' in html, target
