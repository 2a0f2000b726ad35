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


# --- Permission cache (cafe.org.backends) -------------------------------------------
# Each receiver has the people whose permissions changed re-read theirs
# (``services.touch_authorization``).


def user_groups_or_permissions_changed(
    sender, instance, action, reverse, pk_set, **kwargs
):
    """``user.groups`` or ``user.user_permissions`` changed, from either side."""
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    from django.contrib.auth import get_user_model

    if not reverse:  # user.groups.add(...): the instance is the person
        services.touch_authorization([instance.pk])
    elif action == "pre_clear":  # group.user_set.clear(): everyone in it, before
        if sender is get_user_model().groups.through:
            services.touch_authorization(services.group_member_ids([instance.pk]))
        else:  # permission.user_set.clear()
            services.touch_authorization(services.permission_holder_ids(instance))
    else:  # group.user_set.add(...) / permission.user_set.add(...)
        services.touch_authorization(pk_set or [])


def group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``group.permissions`` changed (or ``permission.group_set``)."""
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:
        groups = [instance.pk]
    elif action == "pre_clear":  # permission.group_set.clear(): all its groups
        groups = services.permission_group_ids(instance)
    else:
        groups = pk_set or []
    services.touch_authorization(services.group_member_ids(groups))


def group_or_permission_deleted(sender, instance, **kwargs):
    """A group or a permission is about to be deleted: its rows go without m2m
    signals, so everyone who held it must reload."""
    from django.contrib.auth.models import Group

    if isinstance(instance, Group):
        services.touch_authorization(services.group_member_ids([instance.pk]))
    else:
        services.touch_authorization()


def watch_permissions() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, pre_delete

    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(
            user_groups_or_permissions_changed,
            sender=through,
            dispatch_uid=f"org_authz_{through._meta.label}",
        )
    m2m_changed.connect(
        group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="org_authz_group_permissions",
    )
    for model in (Group, Permission):
        pre_delete.connect(
            group_or_permission_deleted,
            sender=model,
            dispatch_uid=f"org_authz_delete_{model._meta.label}",
        )


watch_permissions()
