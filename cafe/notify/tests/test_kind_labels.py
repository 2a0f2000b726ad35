"""The outbox names each kind of message in Spanish, never by its code."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from cafe.notify.kinds import KIND_LABELS
from cafe.notify.models import Delivery

pytestmark = pytest.mark.django_db

QUEUEING_FUNCTIONS = {"send_templated", "queue_shared"}


def make(kind, n=1):
    Delivery.objects.bulk_create(
        Delivery(
            idempotency_key=f"{kind}:{i}",
            kind=kind,
            to_email=f"p{i}@prueba.gov.co",
            subject=f"Asunto {i}",
            body_text="T",
        )
        for i in range(n)
    )


def test_outbox_column_and_filter_show_spanish_labels(login, comunicaciones):
    make("proposal_changed")
    make("minutes_published")
    page = login(comunicaciones).get("/correo/").content.decode()
    assert "<td>Novedad en una propuesta</td>" in page
    assert "<td>Conclusiones publicadas</td>" in page
    assert '<option value="proposal_changed">Novedad en una propuesta</option>' in page
    assert '<option value="minutes_published">Conclusiones publicadas</option>' in page
    assert ">proposal_changed<" not in page
    assert ">minutes_published<" not in page


def test_outbox_filter_by_kind_still_uses_the_code(login, comunicaciones):
    make("proposal_changed", 2)
    make("minutes_published")
    response = login(comunicaciones).get("/correo/?tipo=proposal_changed")
    rows = list(response.context["page"].object_list)
    assert [d.kind for d in rows] == ["proposal_changed", "proposal_changed"]
    assert (
        '<option value="proposal_changed" selected>Novedad en una propuesta</option>'
        in response.content.decode()
    )


def test_admin_list_shows_spanish_kinds(login, superuser):
    make("overdue_digest")
    client = login(superuser)
    page = client.get("/admin/notify/delivery/").content.decode()
    assert "Resumen de compromisos vencidos" in page
    assert ">overdue_digest<" not in page
    filtered = client.get("/admin/notify/delivery/?kind=overdue_digest")
    assert filtered.status_code == 200
    assert filtered.context["cl"].result_count == 1


def queued_kinds():
    """Every ``kind=`` literal passed to the outbox by the project's code."""
    found = {}
    for app in ("cafe", "sessions_app", "proposals"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in QUEUEING_FUNCTIONS:
                    continue
                kinds = [k.value for k in node.keywords if k.arg == "kind"]
                assert kinds and isinstance(kinds[0], ast.Constant), (
                    f"{path}:{node.lineno} queues a message without a literal kind"
                )
                found[kinds[0].value] = f"{path}:{node.lineno}"
    return found


def test_every_kind_the_code_queues_has_a_spanish_label():
    kinds = queued_kinds()
    assert len(kinds) >= 10
    missing = {kind: where for kind, where in kinds.items() if kind not in KIND_LABELS}
    assert not missing, f"kinds without a label in cafe/notify/kinds.py: {missing}"
