from django.contrib import admin

from . import services
from .models import Bulletin, DueDateExtension, Proposal, StatusChange, Support


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "event",
        "from_status",
        "to_status",
        "note",
        "actor",
        "is_public",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Read-only: proposals change only through the follow-up flow, which records
    every change in the timeline."""

    list_display = (
        "pk",
        "title",
        "kind",
        "status",
        "responsible_dependency",
        "due_date",
    )
    list_filter = (
        "status",
        "kind",
        "is_hidden",
        "is_anonymous",
        "responsible_dependency",
    )
    search_fields = ("title", "text")
    list_select_related = ("responsible_dependency",)
    inlines = [StatusChangeInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    """Adding, moving or deleting a support here recounts the proposals it touches
    (the admin views run in a transaction), so Proposal.support_count stays exact."""

    list_display = ("proposal", "user", "created_at")
    list_select_related = ("proposal", "user")
    raw_id_fields = ("proposal", "user")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        moved_from = form.initial.get("proposal")  # set when changing a support
        services.recount_supports({obj.proposal_id, moved_from} - {None})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.recount_supports([obj.proposal_id])

    def delete_queryset(self, request, queryset):
        touched = set(queryset.values_list("proposal_id", flat=True))
        super().delete_queryset(request, queryset)
        services.recount_supports(touched)


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ("period_start", "period_end", "status", "recipients", "approved_at")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(DueDateExtension)
class DueDateExtensionAdmin(admin.ModelAdmin):
    """Read-only: requests and decisions go through the proposal's page, which
    records them in the timeline and moves the due date."""

    list_display = (
        "proposal",
        "previous_due_date",
        "requested_due_date",
        "status",
        "requested_by",
        "decided_by",
    )
    list_filter = ("status",)
    list_select_related = ("proposal", "requested_by", "decided_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
