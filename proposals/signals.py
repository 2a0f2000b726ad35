"""Signal receivers of the proposals app: they only call services."""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from . import services


@receiver(
    pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="proposals_supports_of"
)
def forget_supports_of_deleted_person(sender, instance, **kwargs):
    # Sent by the deletion's Collector inside its transaction, before the CASCADE
    # removes the person's Support rows, so the stored counters stay exact.
    services.forget_supports_of(user=instance)
