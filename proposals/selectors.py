"""Reads of the proposals app: one fixed set of queries per page."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from cafe.org.permissions import can_answer_proposals, is_liaison

from .models import DueDateExtension, Proposal, StatusChange, Support
from .permissions import can_moderate
from .search import search

S = Proposal.Status
SORTS = {
    "recientes": ("-created_at", "-pk"),
    "apoyos": ("-support_count", "-created_at", "-pk"),
    "vencimiento": ("due_date", "-created_at", "-pk"),
}


def can_see_hidden(user) -> bool:
    return can_moderate(user) or can_answer_proposals(user)


def base_queryset(user, *, include_hidden: bool = False):
    """Proposals a person may see, with what every list row shows (its author and
    responsible dependency; the proposal page adds its topic and session).

    The support count is the stored ``Proposal.support_count`` (no aggregate, so the
    pages read only the rows they show and the paginator counts with a plain COUNT);
    the search document is only searched, never shown, so it is not loaded."""
    queryset = Proposal.objects.select_related(
        "responsible_dependency", "author"
    ).defer("search_document")
    if not (include_hidden or can_see_hidden(user)):
        queryset = queryset.filter(is_hidden=False)
    return queryset.annotate(
        i_support=Exists(Support.objects.filter(proposal=OuterRef("pk"), user=user)),
    )


def proposal_list(*, user, filters: dict):
    """The list page: filters, text search and sorting."""
    queryset = base_queryset(user)
    if filters.get("estado"):
        queryset = queryset.filter(status=filters["estado"])
    if filters.get("tipo"):
        queryset = queryset.filter(kind=filters["tipo"])
    if filters.get("tema"):
        queryset = queryset.filter(topic=filters["tema"])
    if filters.get("sesion"):
        queryset = queryset.filter(session=filters["sesion"])
    if filters.get("dependencia"):
        queryset = queryset.filter(responsible_dependency=filters["dependencia"])
    if filters.get("vencidas"):
        queryset = overdue(queryset)
    if filters.get("mias"):
        queryset = queryset.filter(author=user)
    if filters.get("q"):
        queryset = search(queryset, filters["q"])
        if not filters.get("orden"):
            return queryset  # the most relevant first
    order = SORTS.get(filters.get("orden") or "recientes", SORTS["recientes"])
    if order[0] == "due_date":
        queryset = queryset.filter(due_date__isnull=False)
    return queryset.order_by(*order)


def overdue(queryset=None, today=None):
    today = today or timezone.localdate()
    queryset = Proposal.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=[S.ACCEPTED, S.IN_PROGRESS], due_date__lt=today)


def proposal_for_page(
    *, proposal_id: int, user, include_hidden: bool = False
) -> Proposal:
    """One proposal with its timeline; hidden ones only for moderators and Despacho,
    or with ``include_hidden`` for whoever holds its tracking code."""
    timeline = StatusChange.objects.select_related("actor").order_by("created_at", "pk")
    if not can_see_hidden(user):
        timeline = timeline.filter(is_public=True)
    return (
        base_queryset(user, include_hidden=include_hidden)
        .select_related("topic", "session", "duplicate_of")
        .prefetch_related(Prefetch("changes", queryset=timeline, to_attr="timeline"))
        .get(pk=proposal_id)
    )


def liaison_queue(*, user):
    """Open proposals assigned to the liaison's dependency, soonest due first."""
    if not is_liaison(user):
        return Proposal.objects.none()
    return (
        base_queryset(user)
        .filter(
            responsible_dependency_id=user.liaison_of_id,
            status__in=Proposal.OPEN_STATUSES,
        )
        .order_by("due_date", "created_at", "pk")
    )


def despacho_inbox(*, user):
    """Proposals waiting for Despacho: received or in analysis, oldest first."""
    return (
        base_queryset(user)
        .filter(status__in=[S.RECEIVED, S.IN_ANALYSIS], is_hidden=False)
        .order_by("created_at", "pk")
    )


def session_proposals(*, session, user):
    """The proposals that came from one session (shown on the session page)."""
    return (
        base_queryset(user)
        .filter(session=session, is_hidden=False)
        .exclude(kind=Proposal.Kind.AGREEMENT)  # shown in their own section
        .order_by("-created_at", "-pk")
    )


def counts_by_status(queryset) -> dict[str, int]:
    counts = dict(
        queryset.order_by().values_list("status").annotate(n=Count("pk", distinct=True))
    )
    return {status: counts.get(status, 0) for status in S.values}


def open_filter() -> Q:
    return Q(status__in=Proposal.OPEN_STATUSES)


def session_agreements(*, session):
    """The agreements of a session's conclusions with their state, in the order
    they were recorded (the session page, the conclusions e-mail)."""
    return (
        Proposal.objects.filter(
            session=session, kind=Proposal.Kind.AGREEMENT, is_hidden=False
        )
        .select_related("responsible_dependency")
        .defer("search_document")
        .order_by("created_at", "pk")
    )


def pending_extensions():
    """Extension requests waiting for Despacho, oldest first, with what each row
    shows (the commitment, its dependency, who asked)."""
    return (
        DueDateExtension.objects.filter(status=DueDateExtension.Status.PENDING)
        .select_related("proposal", "proposal__responsible_dependency", "requested_by")
        .defer("proposal__search_document")
        .order_by("requested_at", "pk")
    )


def pending_extension_of(proposal):
    return (
        DueDateExtension.objects.filter(
            proposal=proposal, status=DueDateExtension.Status.PENDING
        )
        .select_related("requested_by")
        .first()
    )
