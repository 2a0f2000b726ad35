"""Factories for proposals."""

import factory
from django.utils import timezone

from proposals.models import Proposal


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    kind = Proposal.Kind.PROPOSAL
    title = factory.Sequence(lambda n: f"Propuesta número {n}")
    text = "Propongo que los trámites internos se hagan en línea y sin papel."
    author = factory.SubFactory("cafe.testing.factories.UserFactory")
    created_at = factory.LazyFunction(timezone.now)
