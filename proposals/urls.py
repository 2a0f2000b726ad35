from django.urls import path, re_path

from .views import bulletin as bulletin_views
from .views import bulletin_media as bulletin_media_views
from .views import commitments as commitment_views
from .views import dashboard as dashboard_views
from .views import live as live_views
from .views import proposals as views
from .views import report as report_views
from .views import similar as similar_views
from .views import transparency as transparency_views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("nueva/", views.proposal_create, name="create"),
    path("similares/", similar_views.similar, name="similar"),
    path("mias/", views.my_proposals, name="mine"),
    path("consultar/", views.lookup, name="lookup"),
    path("bandeja/", views.inbox, name="inbox"),
    path("seguimiento/", views.follow_up_queue, name="queue"),
    path("tablero/", dashboard_views.dashboard_page, name="dashboard"),
    re_path(
        r"^tablero/exportar\.(?P<fmt>csv|xlsx)$", dashboard_views.export, name="export"
    ),
    re_path(r"^tablero/informe\.pdf$", report_views.report_pdf, name="report_pdf"),
    path(
        "transparencia/",
        transparency_views.queue,
        name="transparency_queue",
    ),
    path(
        "transparencia/conclusiones/<int:session_pk>/",
        transparency_views.classify_minutes_page,
        name="classify_minutes",
    ),
    path(
        "transparencia/compromisos/<int:pk>/",
        transparency_views.classify_commitment_page,
        name="classify_commitment",
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
    path(
        "sesion/<int:session_pk>/acuerdos/",
        commitment_views.session_agreements,
        name="agreements",
    ),
    path("prorrogas/", commitment_views.extension_inbox, name="extensions"),
    path(
        "prorrogas/<int:extension_pk>/decidir/",
        commitment_views.extension_decide,
        name="extension_decide",
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
    path(
        "boletin/<int:pk>/fotos/",
        bulletin_media_views.photo_add,
        name="bulletin_photo_add",
    ),
    path(
        "boletin/<int:pk>/fotos/<int:photo_pk>/quitar/",
        bulletin_media_views.photo_remove,
        name="bulletin_photo_remove",
    ),
    path(
        "boletin/<int:pk>/videos/",
        bulletin_media_views.video_add,
        name="bulletin_video_add",
    ),
    path(
        "boletin/<int:pk>/videos/<int:video_pk>/quitar/",
        bulletin_media_views.video_remove,
        name="bulletin_video_remove",
    ),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/apoyo/", views.toggle_support, name="support"),
    path(
        "<int:pk>/apoyar-esta/", similar_views.support_instead, name="support_instead"
    ),
    path("<int:pk>/estado/", views.change_status, name="status"),
    path("<int:pk>/aceptar/", views.accept, name="accept"),
    path("<int:pk>/asignar/", views.assign, name="assign"),
    path("<int:pk>/responder/", views.answer, name="answer"),
    path("<int:pk>/avance/", views.progress, name="progress"),
    path("<int:pk>/ocultar/", views.hide, name="hide"),
    path("<int:pk>/mostrar/", views.unhide, name="unhide"),
    path("<int:pk>/duplicada/", views.duplicate, name="duplicate"),
    path(
        "<int:pk>/prorroga/",
        commitment_views.extension_request,
        name="extension_request",
    ),
]
