from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "to_email",
        "subject",
        "state",
        "attempts",
        "sent_at",
    )
    list_filter = ("state", "kind")
    search_fields = ("to_email", "subject", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ()
    actions = ["retry"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

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
