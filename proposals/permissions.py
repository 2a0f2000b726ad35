"""Who may do what with proposals (role predicates; object rules live in services)."""

from cafe.access import has_perm

can_moderate = has_perm("proposals.moderate_proposals")
can_view_dashboard = has_perm("org.view_dashboard")
can_answer = has_perm("org.answer_proposals")
can_follow_up = has_perm("org.follow_up_proposals")


def can_approve_bulletin(user) -> bool:
    """A bulletin draft is approved by Comunicaciones or Despacho (four eyes: never
    by whoever drafted it, which the service checks)."""
    return can_moderate(user) or can_answer(user)
