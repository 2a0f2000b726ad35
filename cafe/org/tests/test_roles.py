import pytest
from django.contrib.auth.models import Group

from cafe.org import roles
from cafe.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_role_group_has_exactly_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(
        roles.ROLE_PERMISSIONS
    )
    for name, expected in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        actual = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert actual == set(expected), name


def test_everyone_is_a_servidor():
    user = UserFactory()
    assert list(user.groups.values_list("name", flat=True)) == [roles.SERVIDOR]


def test_sync_roles_restores_drifted_permissions():
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=roles.DESPACHO)
    group.permissions.add(Permission.objects.get(codename="manage_sessions"))
    roles.sync_roles(Group, Permission)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {"answer_proposals", "view_dashboard", "review_minutes"}


def test_comunicaciones_page_refuses_a_servidor(login, servidor):
    response = login(servidor).get("/correo/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "No tiene permiso para ver esta página" in body
    assert "Traceback" not in body


def test_comunicaciones_page_sends_anonymous_to_login(client):
    response = client.get("/correo/")
    assert response.status_code == 302
    assert response["Location"] == "/ingresar/?next=/correo/"


@pytest.mark.parametrize("role", ["Enlace de dependencia", "Despacho"])
def test_other_roles_cannot_open_the_outbox(login, role):
    assert login(UserFactory(role=role)).get("/correo/").status_code == 403


def test_comunicaciones_opens_the_outbox(login, comunicaciones):
    assert login(comunicaciones).get("/correo/").status_code == 200


def _nav_labels(client):
    return [item["label"] for item in client.get("/").context["nav_items"]]


def test_navigation_shows_each_role_what_it_can_do(
    login, servidor, comunicaciones, despacho, superuser
):
    everyone = ["Inicio", "Sesiones", "Mis sesiones", "Propuestas", "Soy 10"]
    assert _nav_labels(login(servidor)) == [*everyone, "Mis datos"]
    assert _nav_labels(login(comunicaciones)) == [
        *everyone,
        "Tablero",
        "Gestión de sesiones",
        "Correo saliente",
        "Mis datos",
    ]
    assert _nav_labels(login(despacho)) == [
        *everyone,
        "Por responder",
        "Prórrogas por decidir",
        "Tablero",
        "Revisión de conclusiones",
        "Mis datos",
    ]
    assert _nav_labels(login(superuser)) == [
        *everyone,
        "Por responder",
        "Prórrogas por decidir",
        "Tablero",
        "Gestión de sesiones",
        "Revisión de conclusiones",
        "Correo saliente",
        "Habeas data",
        "Mis datos",
        "Directorio y roles",
        "Estado del sistema",
        "Administración",
    ]
    officer = UserFactory(role=roles.OFICIAL_DATOS)
    assert _nav_labels(login(officer)) == [*everyone, "Habeas data", "Mis datos"]


def test_liaison_is_tied_to_one_dependency(enlace, dependency, other_dependency):
    from cafe.org.permissions import is_liaison_of

    assert is_liaison_of(enlace, dependency.pk)
    assert not is_liaison_of(enlace, other_dependency.pk)
    plain = UserFactory(dependency=dependency, liaison_of=dependency)
    assert not is_liaison_of(plain, dependency.pk)


def test_the_top_bar_marks_the_current_entry_and_follows_the_role(
    login, comunicaciones
):
    """The bar's HTML is cached per set of entries (cafe.org.navigation): each page
    still marks its own entry, and a role change shows in the next page."""
    client = login(comunicaciones)

    def bar(path):
        html = client.get(path).content.decode()
        return html[html.index('<ul class="navbar-nav') : html.index("</ul>")]

    proposals = bar("/propuestas/")
    assert '<a class="nav-link active" href="/propuestas/" aria-current="page">' in (
        proposals
    )
    assert proposals.count('aria-current="page"') == 1
    assert '<a class="nav-link" href="/propuestas/tablero/">Tablero</a>' in proposals
    dashboard = bar("/propuestas/tablero/")
    assert 'href="/propuestas/tablero/" aria-current="page">Tablero' in dashboard
    assert dashboard.count('aria-current="page"') == 1

    comunicaciones.groups.remove(Group.objects.get(name=roles.COMUNICACIONES))
    assert "Tablero" not in bar("/propuestas/")
