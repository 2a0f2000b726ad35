from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import selectors, services
from .kinds import kind_choices
from .models import Delivery


class KindFilter(admin.SimpleListFilter):
    """The message kinds present in the outbox, by their Spanish names."""

    title = _("tipo")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kind_choices(selectors.outbox_kinds())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind_display",
        "to_email",
        "subject",
        "state",
        "attempts",
        "sent_at",
    )
    list_filter = ("state", KindFilter)
    search_fields = ("to_email", "subject", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ()
    actions = ["retry"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    @admin.display(description=_("tipo"), ordering="kind")
    def kind_display(self, obj):
        return obj.kind_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Reintentar los envíos fallidos seleccionados"))
    def retry(self, request, queryset):
        ids = list(
            queryset.filter(state=Delivery.State.FAILED).values_list("pk", flat=True)
        )
        done = sum(services.retry_failed(delivery_id=pk) for pk in ids)
        self.message_user(
            request,
            ngettext("%d envío vuelve a la cola.", "%d envíos vuelven a la cola.", done)
            % done,
            messages.SUCCESS,
        )
