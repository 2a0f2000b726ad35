"""The list filter's selects render in one pass (every session is a choice, over a
thousand at scale) and give exactly the HTML of Django's own Select."""

import pytest
from django import forms

from proposals.forms import ListSelect, ProposalFilterForm
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "Todas"),
    (1, "Café con <b>Talento</b> & Bienestar"),
    (2, 'Sede "Norte"'),
]


@pytest.mark.parametrize("value", [None, "", "1", 2, ["2"], "9"])
def test_the_select_renders_like_djangos(value):
    attrs = {"id": "id_sesion", "class": "form-select", "required": True}
    expected = forms.Select(choices=CHOICES).render("sesion", value, attrs)
    assert ListSelect(choices=CHOICES).render("sesion", value, attrs) == expected


def test_the_session_filter_lists_sessions_by_title_and_keeps_the_choice():
    held = SessionFactory(title="Café <de> mayo", status=Session.Status.HELD)
    SessionFactory(title="Borrador", status=Session.Status.DRAFT)
    form = ProposalFilterForm({"sesion": held.pk})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sesion"] == held
    html = str(form["sesion"])
    reference = forms.ModelChoiceField(
        queryset=form.fields["sesion"].queryset, empty_label="Todas", required=False
    )
    reference.widget.attrs["class"] = "form-select"
    assert html == reference.widget.render("sesion", held.pk, {"id": "id_sesion"})
    assert f'<option value="{held.pk}" selected>Café &lt;de&gt; mayo</option>' in html
    assert "Borrador" not in html
