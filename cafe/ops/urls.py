from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [
    path("estado/", views.status_page, name="status"),
]
