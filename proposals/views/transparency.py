"""The public transparency record (no login) and its open data; the page where
Comunicaciones and Despacho classify what reaches it."""

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from datetime import date, datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET

from cafe.org.permissions import can_publish_transparency, role_required
from sessions_app.models import Minutes
from sessions_app.services.transparency import classify_minutes

from .. import transparency
from ..models import Proposal
from ..services.transparency import classify_commitment
from ..transparency_forms import CommitmentClassificationForm, MinutesClassificationForm

# How long a browser or a proxy may reuse a public page without asking again.
PUBLIC_MAX_AGE = 300


def _stamp(request):
    """The record's last change, computed once per request."""
    if not hasattr(request, "_transparency_stamp"):
        request._transparency_stamp = transparency.last_change()
    return request._transparency_stamp


def _etag(request, *args, **kwargs) -> str:
    parts = (
        str(_stamp(request).timestamp()),
        request.path,
        get_language() or "",
        settings.CAFE_ENTITY_NAME,
        # The page's header differs for each signed-in person.
        str(request.user.pk or ""),
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _last_modified(request, *args, **kwargs):
    return _stamp(request)


def public_page(view):
    """GET only, no login, and HTTP caching: a conditional GET (ETag and
    Last-Modified from the record's last change) answers 304 without rendering.
    Anonymous responses may be kept by shared caches for a few minutes; a
    logged-in person's page carries their name in the header, so it is private."""

    @require_GET
    @condition(etag_func=_etag, last_modified_func=_last_modified)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
        else:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    return wrapped


@public_page
def record(request):
    today = timezone.localdate()
    return render(
        request,
        "transparency/record.html",
        {
            "sessions": transparency.session_rows(today),
            "minutes": transparency.minutes_rows(today),
            "commitments": transparency.commitment_rows(today),
            "last_change": _stamp(request),
        },
    )


@public_page
def open_data(request):
    return render(
        request,
        "transparency/open_data.html",
        {"datasets": transparency.DATASETS.values(), "kinds": transparency.KINDS},
    )


@public_page
def withheld_index(request):
    return render(
        request,
        "transparency/index.html",
        {"rows": transparency.index_rows(timezone.localdate())},
    )


@public_page
def dataset(request, slug, fmt):
    today = timezone.localdate()
    if slug == "diccionario":
        rows = transparency.dictionary_rows(today)
        columns = [*transparency.DICTIONARY_COLUMNS, "valores"]
    elif slug in transparency.DATASETS:
        data = transparency.DATASETS[slug]
        rows = data.rows(today)
        columns = [c.name for c in data.columns]
    else:
        raise Http404
    if fmt == "csv":
        response = HttpResponse(
            to_csv(rows, columns), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            to_json(slug, rows, today),
            content_type="application/json; charset=utf-8",
        )
    response["Content-Disposition"] = f'inline; filename="{slug}.{fmt}"'
    return response


# --- Open-data files -------------------------------------------------------------


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(rows: list[dict], columns: Iterable[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_plain(row.get(c)) for c in columns])
    return out.getvalue()


def to_json(slug: str, rows: list[dict], generated: date) -> str:
    def default(value):
        return value.isoformat() if isinstance(value, date | datetime) else str(value)

    payload = {"conjunto": slug, "generado": generated.isoformat(), "registros": rows}
    return json.dumps(payload, ensure_ascii=False, indent=1, default=default)


# --- Classifying (Comunicaciones and Despacho) ---------------------------------------


@role_required(can_publish_transparency)
@require_GET
def queue(request):
    minutes = (
        Minutes.objects.filter(status=Minutes.Status.PUBLISHED)
        .select_related("session__dependency")
        .order_by("-session__starts_at", "-pk")
    )
    commitments = (
        Proposal.objects.filter(accepted_at__isnull=False, is_hidden=False)
        .select_related("responsible_dependency")
        .order_by("-accepted_at", "-pk")
    )
    return render(
        request,
        "transparency/queue.html",
        {"minutes": minutes, "commitments": commitments},
    )


def _classify(request, *, form_class, instance, service, template, context):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Clasificación guardada."))
            return redirect("proposals:transparency_queue")
    return render(request, template, {"form": form, **context})


@role_required(can_publish_transparency)
def classify_minutes_page(request, session_pk):
    minutes = get_object_or_404(
        Minutes.objects.select_related("session__dependency", "session__topic"),
        session_id=session_pk,
        status=Minutes.Status.PUBLISHED,
    )
    return _classify(
        request,
        form_class=MinutesClassificationForm,
        instance=minutes,
        service=lambda **kw: classify_minutes(session_id=session_pk, **kw),
        template="transparency/classify.html",
        context={"minutes": minutes, "kind": "minutes"},
    )


@role_required(can_publish_transparency)
def classify_commitment_page(request, pk):
    proposal = get_object_or_404(
        Proposal.objects.select_related("responsible_dependency"),
        pk=pk,
        accepted_at__isnull=False,
        is_hidden=False,
    )
    return _classify(
        request,
        form_class=CommitmentClassificationForm,
        instance=proposal,
        service=lambda **kw: classify_commitment(proposal_id=pk, **kw),
        template="transparency/classify.html",
        context={"proposal": proposal, "kind": "commitment"},
    )
