"""Who may do what: predicates and view guards, one place for every app.

Views state their rule with ``@role_required(predicate)`` (from ``cafe.access``): an
anonymous visitor is sent to the login page, a logged-in person without the role gets
403. Objects that belong to someone else are fetched through user-scoped lookups so
they answer 404.
"""

from cafe.access import authenticated, role_required

from . import roles

__all__ = ["authenticated", "role_required"]


def is_comunicaciones(user) -> bool:
    return user.is_authenticated and user.has_perm("org.manage_sessions")


def can_view_dashboard(user) -> bool:
    return user.is_authenticated and user.has_perm("org.view_dashboard")


def can_answer_proposals(user) -> bool:
    return user.is_authenticated and user.has_perm("org.answer_proposals")


def can_publish_transparency(user) -> bool:
    """Comunicaciones and Despacho classify what reaches the public record."""
    return is_comunicaciones(user) or can_answer_proposals(user)


def can_view_outbox(user) -> bool:
    return user.is_authenticated and user.has_perm("org.view_outbox")


def is_liaison_of(user, dependency_id: int | None) -> bool:
    """A liaison acts only for the one dependency they are tied to."""
    return (
        user.is_authenticated
        and dependency_id is not None
        and user.has_perm("org.follow_up_proposals")
        and user.liaison_of_id == dependency_id
    )


def is_liaison(user) -> bool:
    return (
        user.is_authenticated
        and user.liaison_of_id is not None
        and user.has_perm("org.follow_up_proposals")
    )


def role_names(user) -> list[str]:
    """The role labels of a person, for display."""
    if not user.is_authenticated:
        return []
    names = [str(roles.ROLE_LABELS.get(g.name, g.name)) for g in user.groups.all()]
    if user.is_superuser:
        names.append("Administrador")
    return names


def can_handle_data_requests(user) -> bool:
    """The data-protection officer: the habeas data queue and the access log."""
    return user.is_authenticated and user.has_perm("org.handle_data_requests")
