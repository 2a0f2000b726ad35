"""Signal receivers of the org app: they only call services."""

from django.conf import settings
from django.db.models.signals import post_migrate, post_save, pre_save
from django.dispatch import receiver

from . import services


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="org_base_role")
def give_base_role(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.ensure_base_role(user=instance)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="org_deactivation")
def remember_deactivation(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance.is_active:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    instance._ending_sessions = was_active


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="org_end_sessions")
def end_sessions_of_deactivated(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_ending_sessions", False):
        instance._ending_sessions = False
        services.end_user_sessions(user_id=instance.pk)


@receiver(post_migrate, dispatch_uid="org_sync_roles")
def keep_roles_in_sync(sender, using="default", **kwargs):
    """After migrations (and after a test database flush), the role groups hold
    exactly the permissions stated in cafe/org/roles.py."""
    from django.contrib.auth.models import Group, Permission

    from .roles import sync_roles

    sync_roles(Group.objects.db_manager(using).model, Permission, strict=False)
