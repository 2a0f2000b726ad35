"""Load demo data: the Secretaría General's dependencies, one user per role, staff.

Idempotent: running it again updates the same rows and creates nothing twice.
Quiet: the e-mails the demo data causes are kept in memory (the outbox page lists
them), never printed nor sent; the last lines are the address and the demo logins.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from cafe.org import roles
from cafe.org.demo import run_demo_steps
from cafe.org.models import Dependency, EmploymentType, User

DEMO_PASSWORD = "cafe-demo-2026"  # noqa: S105 - demo data, printed on purpose
DOMAIN = "demo.secretariageneral.gov.co"

# (name, acronym, parent acronym)
DEPENDENCIES = [
    ("Despacho del Secretario General", "DSG", None),
    ("Subsecretaría Corporativa", "SCO", "DSG"),
    ("Subsecretaría de Servicio a la Ciudadanía", "SSC", "DSG"),
    ("Subsecretaría Técnica", "STE", "DSG"),
    ("Oficina Asesora de Planeación", "OAP", "DSG"),
    ("Oficina Asesora de Jurídica", "OAJ", "DSG"),
    ("Oficina de Control Interno", "OCI", "DSG"),
    ("Oficina de Control Interno Disciplinario", "OCID", "DSG"),
    ("Oficina Consejería de Comunicaciones", "OCC", "DSG"),
    ("Oficina de Tecnologías de la Información y las Comunicaciones", "OTIC", "DSG"),
    ("Dirección de Talento Humano", "DTH", "SCO"),
    ("Dirección Administrativa y Financiera", "DAF", "SCO"),
    ("Dirección de Contratación", "DCO", "SCO"),
    ("Dirección Distrital de Calidad del Servicio", "DDCS", "SSC"),
    ("Dirección del Sistema Distrital de Servicio a la Ciudadanía", "DSDSC", "SSC"),
    ("Dirección Distrital de Archivo de Bogotá", "DDAB", "STE"),
    ("Dirección Distrital de Desarrollo Institucional", "DDDI", "STE"),
    ("Dirección Distrital de Relaciones Internacionales", "DDRI", "STE"),
    ("Imprenta Distrital", "IMP", "STE"),
]

# (e-mail local part, full name, dependency acronym, position, role, liaison of)
ROLE_USERS = [
    (
        "servidora",
        "Laura Martínez Rojas",
        "DTH",
        "Profesional universitaria",
        None,
        None,
    ),
    (
        "comunicaciones",
        "Andrés Felipe Gómez",
        "OCC",
        "Jefe de comunicaciones",
        roles.COMUNICACIONES,
        None,
    ),
    (
        "enlace",
        "Diana Patricia Cárdenas",
        "DTH",
        "Profesional especializada",
        roles.ENLACE,
        "DTH",
    ),
    (
        "despacho",
        "Carlos Eduardo Restrepo",
        "DSG",
        "Asesor del despacho",
        roles.DESPACHO,
        None,
    ),
]

FIRST_NAMES = [
    "María",
    "Juan",
    "Ana",
    "Luis",
    "Paula",
    "Jorge",
    "Natalia",
    "Camilo",
    "Sandra",
    "Óscar",
    "Valentina",
    "Sebastián",
    "Lucía",
    "Mauricio",
    "Carolina",
    "Héctor",
]
LAST_NAMES = [
    "Pérez",
    "Rodríguez",
    "López",
    "Hernández",
    "García",
    "Moreno",
    "Jiménez",
    "Muñoz",
    "Castro",
    "Vargas",
    "Ramírez",
    "Torres",
    "Suárez",
    "Ortiz",
    "Quintero",
    "Ávila",
]
POSITIONS = [
    "Profesional universitario",
    "Profesional especializado",
    "Técnico operativo",
    "Auxiliar administrativo",
    "Asesor",
    "Contratista de apoyo a la gestión",
]
STAFF_COUNT = 48
QUIET_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Carga datos de demostración (idempotente) e imprime los usuarios de prueba."

    def handle(self, *args, **options):
        # The demo people do not exist: their e-mails go nowhere, also when the
        # console or a real SMTP server is configured. The outbox still records them.
        with override_settings(EMAIL_BACKEND=QUIET_EMAIL_BACKEND):
            self._seed()
        self._print_logins()

    @transaction.atomic
    def _seed(self) -> None:
        deps = self._dependencies()
        for local, name, dep, position, role, liaison in ROLE_USERS:
            user = self._user(f"{local}@{DOMAIN}", name, deps[dep], position)
            if role:
                user.groups.add(Group.objects.get(name=role))
            if liaison and user.liaison_of_id != deps[liaison].pk:
                user.liaison_of = deps[liaison]
                user.save(update_fields=["liaison_of"])
        admin = self._user(
            f"admin@{DOMAIN}", "Administración TIC", deps["OTIC"], "Ingeniero"
        )
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])
        self._staff(list(deps.values()))
        run_demo_steps(self.stdout)

    def _dependencies(self) -> dict[str, Dependency]:
        deps: dict[str, Dependency] = {}
        for name, acronym, parent in DEPENDENCIES:
            dep, _created = Dependency.objects.update_or_create(
                name=name,
                defaults={
                    "acronym": acronym,
                    "code": acronym,
                    "parent": deps.get(parent),
                    "is_active": True,
                },
            )
            deps[acronym] = dep
        return deps

    def _user(self, email, full_name, dependency, position, employment=None) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=full_name,
                dependency=dependency,
                position=position,
                employment_type=employment or EmploymentType.PLANTA,
            )
        return user

    def _staff(self, deps: list[Dependency]) -> None:
        kinds = list(EmploymentType.values)
        for i in range(STAFF_COUNT):
            first = FIRST_NAMES[i % len(FIRST_NAMES)]
            last = LAST_NAMES[(i * 7) % len(LAST_NAMES)]
            last2 = LAST_NAMES[(i * 3 + 5) % len(LAST_NAMES)]
            self._user(
                f"servidor{i + 1:02d}@{DOMAIN}",
                f"{first} {last} {last2}",
                deps[i % len(deps)],
                POSITIONS[i % len(POSITIONS)],
                employment=kinds[i % len(kinds)],
            )

    def _print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS("Datos de demostración listos."))
        self.stdout.write(
            f"Abra {settings.CAFE_SITE_URL}/ e ingrese con una de estas cuentas."
        )
        self.stdout.write(
            f"Contraseña de todos los usuarios de prueba: {DEMO_PASSWORD}"
        )
        if settings.CAFE_SSO_DEMO_PROVIDER:
            self.stdout.write(
                "O use «Ingresar con su cuenta institucional»: el proveedor de "
                "identidad de demostración (http://127.0.0.1:"
                f"{settings.CAFE_SSO_DEMO_PROVIDER_PORT}) ofrece estas cuentas."
            )
        rows = [
            (f"{local}@{DOMAIN}", role or roles.SERVIDOR)
            for local, *_r, role, _l in ROLE_USERS
        ]
        rows.append((f"admin@{DOMAIN}", "Administrador (superusuario)"))
        for email, role in rows:
            self.stdout.write(f"  {email:45} {role}")
