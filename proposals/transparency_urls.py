"""The public transparency record: stable addresses, no login, no namespace (the
privacy-notice gate exempts these names: cafe.org.middleware)."""

from django.urls import path, re_path

from .views import transparency as views

urlpatterns = [
    path("", views.record, name="transparency"),
    path("datos/", views.open_data, name="transparency_data"),
    path("indice/", views.withheld_index, name="transparency_index"),
    re_path(
        r"^datos/(?P<slug>[a-z]+)\.(?P<fmt>csv|json)$",
        views.dataset,
        name="transparency_dataset",
    ),
]
