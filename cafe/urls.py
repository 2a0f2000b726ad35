"""URL configuration: the apps wired together at the top."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from cafe.ops import views as ops_views

from . import branding, health

admin.site.site_header = _("Café con el Secretario · Administración")
admin.site.site_title = _("Café con el Secretario")
admin.site.index_title = _("Administración")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("sistema/", include("cafe.ops.urls")),
    path("marca.css", branding.brand_css, name="brand_css"),
    path("admin/", admin.site.urls),
    path("correo/", include("cafe.notify.urls")),
    path("sesiones/", include("sessions_app.urls")),
    path("propuestas/", include("proposals.urls")),
    path("transparencia/", include("proposals.transparency_urls")),
    path("", include("cafe.org.urls")),
]

# Uploaded media in development only; in production the proxy serves MEDIA_ROOT.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
