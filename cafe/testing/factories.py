"""factory_boy factories for the foundation models."""

import factory
from django.contrib.auth.models import Group

from cafe.org import services
from cafe.org.models import Dependency, EmploymentType, User

TEST_PASSWORD = "clave-de-prueba-2026"  # noqa: S105


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependency

    name = factory.Sequence(lambda n: f"Dirección de prueba {n}")
    acronym = factory.Sequence(lambda n: f"DP{n}")
    is_active = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@prueba.gov.co")
    full_name = factory.Faker("name", locale="es_CO")
    dependency = factory.SubFactory(DependencyFactory)
    position = "Profesional universitario"
    employment_type = EmploymentType.PLANTA
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def accept_privacy(user) -> None:
    services.accept_privacy_notice(user=user, ip_address="127.0.0.1")
