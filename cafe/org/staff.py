"""Writes on the staff directory: people who leave, and the roles people hold.

Every grant and removal of a role is recorded (``RoleChange``: who, whom, what,
when). Django reads a person's permissions afresh on each request, so a change takes
effect on that person's next request.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .models import Dependency, RoleChange, User

# Sent inside the deactivating transaction with ``user_ids`` and ``now``: the apps
# that hold people's future commitments (registrations) release them.
people_deactivated = Signal()

GRANTABLE = (
    roles.COMUNICACIONES,
    roles.DESPACHO,
    roles.ENLACE,
    roles.OFICIAL_DATOS,
)


def deactivate_people(*, user_ids: list[int], actor=None, reason: str = "") -> int:
    """Deactivate people (never delete them): they can no longer log in, lose every
    role, and their future registrations are released in the same transaction.
    What they wrote stays. Returns how many were deactivated."""
    if not user_ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        people = list(
            User.objects.filter(pk__in=user_ids, is_active=True)
            .select_for_update()
            .prefetch_related("groups")
        )
        ids = [p.pk for p in people]
        records = []
        for person in people:
            for group in person.groups.all():
                if group.name in GRANTABLE:
                    records.append(
                        _record(
                            actor,
                            person,
                            group.name,
                            RoleChange.Action.REMOVE,
                            person.liaison_of_id
                            if group.name == roles.ENLACE
                            else None,
                            reason,
                            now,
                        )
                    )
        User.groups.through.objects.filter(
            user_id__in=ids, group__name__in=GRANTABLE
        ).delete()
        User.objects.filter(pk__in=ids).update(is_active=False, liaison_of=None)
        Dependency.objects.filter(head_id__in=ids).update(head=None)
        RoleChange.objects.bulk_create(records)
        people_deactivated.send(sender=User, user_ids=ids, now=now)
    return len(ids)


def deactivate_expired_contracts(*, today=None) -> int:
    """The daily job: people whose contract ended yesterday or before leave."""
    today = today or timezone.localdate()
    ids = list(
        User.objects.filter(
            is_active=True, contract_ends_on__lt=today, is_superuser=False
        ).values_list("pk", flat=True)
    )
    return deactivate_people(
        user_ids=ids, reason=_("Terminó su contrato según el directorio")
    )


def _record(actor, person, role, action, dependency_id, reason, now) -> RoleChange:
    return RoleChange(
        actor=actor,
        person=person,
        role=role,
        action=action,
        dependency_id=dependency_id,
        reason=reason[:200],
        at=now,
    )


def grant_role(*, actor, person: User, role: str, dependency=None) -> None:
    """Give ``person`` a role; the Enlace role is for one dependency."""
    if role not in GRANTABLE:
        raise ValidationError(_("Ese rol no se puede otorgar desde aquí."))
    if not person.is_active:
        raise ValidationError(_("La persona está inactiva en el directorio."))
    if role == roles.ENLACE and dependency is None:
        raise ValidationError(_("Elija la dependencia de la que será enlace."))
    with transaction.atomic():
        group = Group.objects.get(name=role)
        has_it = person.groups.filter(pk=group.pk).exists()
        same_dependency = role != roles.ENLACE or person.liaison_of_id == dependency.pk
        if has_it and same_dependency:
            raise ValidationError(_("La persona ya tiene ese rol."))
        person.groups.add(group)
        if role == roles.ENLACE:
            person.liaison_of = dependency
            person.save(update_fields=["liaison_of"])
        RoleChange.objects.create(
            actor=actor,
            person=person,
            role=role,
            action=RoleChange.Action.GRANT,
            dependency=dependency if role == roles.ENLACE else None,
        )


def remove_role(*, actor, person: User, role: str) -> None:
    if role not in GRANTABLE:
        raise ValidationError(_("Ese rol no se puede retirar desde aquí."))
    with transaction.atomic():
        group = Group.objects.get(name=role)
        if not person.groups.filter(pk=group.pk).exists():
            raise ValidationError(_("La persona no tiene ese rol."))
        dependency_id = person.liaison_of_id if role == roles.ENLACE else None
        person.groups.remove(group)
        if role == roles.ENLACE:
            person.liaison_of = None
            person.save(update_fields=["liaison_of"])
        RoleChange.objects.create(
            actor=actor,
            person=person,
            role=role,
            action=RoleChange.Action.REMOVE,
            dependency_id=dependency_id,
        )


def set_dependency_head(*, actor, dependency: Dependency, person: User | None) -> None:
    """Name (or clear) the head of a dependency, who receives its escalations."""
    if person is not None and not person.is_active:
        raise ValidationError(_("La persona está inactiva en el directorio."))
    with transaction.atomic():
        previous = dependency.head
        dependency.head = person
        dependency.save(update_fields=["head"])
        now = timezone.now()
        changes = []
        if previous is not None and previous != person:
            changes.append(
                _record(
                    actor,
                    previous,
                    "Jefe de dependencia",
                    RoleChange.Action.REMOVE,
                    dependency.pk,
                    "",
                    now,
                )
            )
        if person is not None and previous != person:
            changes.append(
                _record(
                    actor,
                    person,
                    "Jefe de dependencia",
                    RoleChange.Action.GRANT,
                    dependency.pk,
                    "",
                    now,
                )
            )
        RoleChange.objects.bulk_create(changes)
