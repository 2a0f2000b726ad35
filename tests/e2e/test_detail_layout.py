"""Details a person sees: labels that wrap without touching the next one, a secondary
button that looks active, and the conclusions' diff readable and accessible."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.models import Proposal
from sessions_app import services as session_services
from tests.e2e import scenario
from tests.e2e.conftest import run_axe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    return scenario.build()


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two computed CSS colours ("rgb(r, g, b)")."""

    def luminance(colour):
        channels = [
            int(x) / 255 for x in colour[colour.index("(") + 1 : -1].split(",")[:3]
        ]
        linear = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in channels
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("width", [1366, 800, 390])
def test_two_line_labels_of_the_details_list_do_not_touch(
    width, world, page, log_in_as
):
    Proposal.objects.filter(pk=world["accepted"].pk).update(
        due_date=timezone.localdate() + timedelta(days=30),
        answer="Se harán pausas guiadas.",
    )
    log_in_as(world["despacho"])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("proposals:detail", args=[world["accepted"].pk]))
    boxes = page.eval_on_selector_all(
        "main dl.row > dt",
        """dts => dts.map(dt => {
            const r = dt.getBoundingClientRect();
            const line = parseFloat(getComputedStyle(dt).lineHeight);
            const lines = Math.round(r.height / line);
            return {text: dt.textContent, top: r.top, bottom: r.bottom, lines};
        })""",
    )
    assert len(boxes) >= 4
    if width > 576:  # label beside its value: some labels take two lines
        assert any(box["lines"] >= 2 for box in boxes)
    for above, below in pairwise(boxes):
        gap = below["top"] - above["bottom"]
        assert gap >= 4, f"«{above['text']}» toca «{below['text']}» ({gap:.1f} px)"


def test_the_lookup_button_looks_like_an_active_button(world, page, log_in_as):
    log_in_as(world["servidor"])
    page.goto(reverse("proposals:list"))
    lookup = page.get_by_role("link", name="Consultar con código")
    main_action = page.get_by_role("link", name="Enviar una propuesta")
    style = lookup.evaluate(
        """el => { const s = getComputedStyle(el);
            return {color: s.color, border: s.borderTopColor, opacity: s.opacity,
                    background: getComputedStyle(document.body).backgroundColor}; }"""
    )
    action_colour = main_action.evaluate("el => getComputedStyle(el).backgroundColor")
    # The site's action colour, not the grey of a disabled control.
    assert style["color"] == action_colour
    assert style["border"] == action_colour
    assert style["opacity"] == "1"
    assert contrast(style["color"], style["background"]) >= 4.5
    assert contrast(style["border"], style["background"]) >= 3


def test_the_conclusions_diff_is_reachable_and_accessible(
    world, axe_context, page, log_in_as
):
    held, comunicaciones = world["review"], world["comunicaciones"]
    session_services.return_minutes(
        session_id=held.pk, actor=world["despacho"], comment="Falta el acuerdo."
    )
    session_services.save_minutes(
        session_id=held.pk,
        actor=comunicaciones,
        data={"summary": "Pendiente y corregido.", "agreements": "- Un acuerdo"},
    )
    log_in_as(comunicaciones)
    page.goto(reverse("sessions:minutes_edit", args=[held.pk]))
    page.get_by_role("link", name="Historial de versiones").click()
    page.get_by_text("Ver qué cambió respecto de la versión 3").click()
    added = page.locator("main .diff-text ins").first
    # Said in words for screen readers, marked by underline for the eye.
    assert added.text_content().startswith("[Inicio de texto añadido]")
    assert "corregido." in added.text_content()
    assert added.evaluate("el => getComputedStyle(el).textDecorationLine") == (
        "underline"
    )
    assert page.locator("main .diff-text del").count() >= 1
    decoration = page.locator("main .diff-text del").first.evaluate(
        "el => getComputedStyle(el).textDecorationLine"
    )
    assert decoration == "line-through"
    assert run_axe(page) == []
