"""The Administrador's pages for the staff directory: roster import and roles."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import role_required

from . import directory, forms, roles, staff
from .models import Dependency, DirectoryImport, RoleChange, User

SHOWN = 200  # rows of each list on the dry-run page


def is_administrator(user) -> bool:
    return user.is_authenticated and user.is_superuser


@role_required(is_administrator)
@require_http_methods(["GET", "POST"])
def import_roster(request):
    form = forms.RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record, _plan = directory.check_file(
                name=upload.name,
                content=upload.read(),
                full_roster=form.cleaned_data["full_roster"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("directory_import", pk=record.pk)
    recent = DirectoryImport.objects.select_related("created_by", "applied_by")[:10]
    return render(
        request, "org/directory/import.html", {"form": form, "recent": recent}
    )


@role_required(is_administrator)
@require_http_methods(["GET", "POST"])
def import_detail(request, pk):
    record = get_object_or_404(DirectoryImport, pk=pk)
    form = forms.ApplyImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = directory.apply_import(
                record=record, actor=request.user, strict=form.cleaned_data["strict"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "Directorio actualizado: %(nuevas)s nuevas, %(cambios)s con "
                    "cambios, %(desactivadas)s desactivadas."
                )
                % plan.summary(),
            )
        return redirect("directory_import", pk=record.pk)
    plan, changes = None, []
    if record.state == DirectoryImport.State.CHECKED:
        plan = directory.plan_import(record.rows, full_roster=record.full_roster)
        changes = [
            (row, directory.describe_change(fields))
            for row, _pk, fields in plan.to_change[:SHOWN]
        ]
    return render(
        request,
        "org/directory/import_detail.html",
        {
            "record": record,
            "plan": plan,
            "changes": changes,
            "form": form,
            "shown": SHOWN,
        },
    )


@role_required(is_administrator)
@require_GET
def role_list(request):
    holders = (
        User.objects.filter(groups__name__in=staff.GRANTABLE, is_active=True)
        .select_related("liaison_of", "dependency")
        .prefetch_related("groups")
        .distinct()
        .order_by("full_name")
    )
    history = Paginator(
        RoleChange.objects.select_related("actor", "person", "dependency"), 50
    ).get_page(request.GET.get("pagina"))
    return render(
        request,
        "org/directory/roles.html",
        {
            "holders": holders,
            "grantable": staff.GRANTABLE,
            "labels": roles.ROLE_LABELS,
            "grant_form": forms.GrantRoleForm(),
            "head_form": forms.DependencyHeadForm(),
            "dependencies": Dependency.objects.filter(is_active=True).select_related(
                "head"
            ),
            "history": history,
        },
    )


@role_required(is_administrator)
@require_POST
def grant_role(request):
    form = forms.GrantRoleForm(request.POST)
    if form.is_valid():
        try:
            staff.grant_role(
                actor=request.user,
                person=form.person,
                role=form.cleaned_data["role"],
                dependency=form.cleaned_data["dependency"],
            )
            messages.success(request, _("Rol otorgado."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Revise los datos: %(e)s") % {"e": _errors(form)})
    return redirect("directory_roles")


@role_required(is_administrator)
@require_POST
def remove_role(request, person_pk, role):
    person = get_object_or_404(User, pk=person_pk)
    try:
        staff.remove_role(actor=request.user, person=person, role=role)
        messages.success(request, _("Rol retirado."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("directory_roles")


@role_required(is_administrator)
@require_POST
def set_head(request):
    form = forms.DependencyHeadForm(request.POST)
    if form.is_valid():
        try:
            staff.set_dependency_head(
                actor=request.user,
                dependency=form.cleaned_data["dependency"],
                person=form.person,
            )
            messages.success(request, _("Jefe de dependencia guardado."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Revise los datos: %(e)s") % {"e": _errors(form)})
    return redirect("directory_roles")


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
