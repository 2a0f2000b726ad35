"""The project's URLs plus the benchmark's floor: a page that renders the base
template and runs no query. Used only by ``cafe.bench.pages``."""

from django.shortcuts import render
from django.urls import include, path


def floor(request):
    return render(request, "base.html")


urlpatterns = [
    path("_benchmark/piso/", floor, name="bench_floor"),
    path("", include("cafe.urls")),
]
