from django.urls import path, re_path

from . import bulletin_views, dashboard_views, live_views, views

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
    # Live questions of a session: phones, the room's screen, moderation.
    path("sesion/<int:session_pk>/preguntas/", live_views.phone, name="live"),
    path(
        "sesion/<int:session_pk>/preguntas/lista/",
        live_views.phone_list,
        name="live_list",
    ),
    path(
        "sesion/<int:session_pk>/preguntas/<int:pk>/apoyo/",
        live_views.support,
        name="live_support",
    ),
    path("sesion/<int:session_pk>/pantalla/", live_views.board, name="live_board"),
    path(
        "sesion/<int:session_pk>/pantalla/preguntas/",
        live_views.board_fragment,
        name="live_board_fragment",
    ),
    path("sesion/<int:session_pk>/moderar/", live_views.moderate, name="live_moderate"),
    path(
        "sesion/<int:session_pk>/moderar/cola/",
        live_views.queue_fragment,
        name="live_queue",
    ),
    path(
        "sesion/<int:session_pk>/moderar/<int:pk>/",
        live_views.moderate_action,
        name="live_moderate_action",
    ),
    path("boletin/", bulletin_views.bulletin_list, name="bulletins"),
    path("boletin/componer/", bulletin_views.bulletin_compose, name="bulletin_compose"),
    path("boletin/<int:pk>/", bulletin_views.bulletin_detail, name="bulletin"),
    path(
        "boletin/<int:pk>/editar/", bulletin_views.bulletin_edit, name="bulletin_edit"
    ),
    path(
        "boletin/<int:pk>/correo/",
        bulletin_views.bulletin_email_preview,
        name="bulletin_email",
    ),
    path(
        "boletin/<int:pk>/progreso/",
        bulletin_views.bulletin_progress,
        name="bulletin_progress",
    ),
    path(
        "boletin/<int:pk>/aprobar/",
        bulletin_views.bulletin_approve,
        name="bulletin_approve",
    ),
    path(
        "boletin/<int:pk>/reintentar/<int:delivery_pk>/",
        bulletin_views.bulletin_retry,
        name="bulletin_retry",
    ),
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
