from django.urls import path, re_path

from . import dashboard_views, views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("nueva/", views.proposal_create, name="create"),
    path("mias/", views.my_proposals, name="mine"),
    path("consultar/", views.lookup, name="lookup"),
    path("bandeja/", views.inbox, name="inbox"),
    path("seguimiento/", views.follow_up_queue, name="queue"),
    path("tablero/", dashboard_views.dashboard_page, name="dashboard"),
    re_path(
        r"^tablero/exportar\.(?P<fmt>csv|xlsx)$", dashboard_views.export, name="export"
    ),
    path("sesion/<int:session_pk>/capturar/", views.capture, name="capture"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/apoyo/", views.toggle_support, name="support"),
    path("<int:pk>/estado/", views.change_status, name="status"),
    path("<int:pk>/aceptar/", views.accept, name="accept"),
    path("<int:pk>/asignar/", views.assign, name="assign"),
    path("<int:pk>/responder/", views.answer, name="answer"),
    path("<int:pk>/avance/", views.progress, name="progress"),
    path("<int:pk>/ocultar/", views.hide, name="hide"),
    path("<int:pk>/mostrar/", views.unhide, name="unhide"),
    path("<int:pk>/duplicada/", views.duplicate, name="duplicate"),
]
