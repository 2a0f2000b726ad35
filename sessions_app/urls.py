from django.urls import path

from .views import agenda, checkin, manage, minutes, public, voices

app_name = "sessions"

urlpatterns = [
    path("", public.session_list, name="list"),
    path("mis-sesiones/", public.my_sessions, name="mine"),
    path("archivo/", public.archive, name="archive"),
    path("<int:pk>/", public.session_detail, name="detail"),
    path("<int:pk>/inscribirme/", public.register, name="register"),
    path(
        "<int:pk>/cancelar-inscripcion/", public.cancel_registration, name="unregister"
    ),
    path("<int:pk>/invitacion.ics", public.session_ics, name="ics"),
    path("<int:pk>/encuesta/", public.survey, name="survey"),
    # Comunicaciones
    path("gestion/", manage.session_admin_list, name="manage"),
    path("gestion/nueva/", manage.session_create, name="create"),
    path("gestion/ciclo/", manage.planner, name="planner"),
    path("gestion/rotacion/", manage.rotation, name="rotation"),
    path("gestion/agenda/", agenda.agenda, name="agenda"),
    path("gestion/agenda/<int:pk>/quitar/", agenda.agenda_remove, name="agenda_remove"),
    path("gestion/temas/", manage.topic_list, name="topics"),
    path("gestion/temas/nuevo/", manage.topic_edit, name="topic_create"),
    path("gestion/temas/<int:pk>/", manage.topic_edit, name="topic_edit"),
    path("gestion/campanas/", voices.campaign_list, name="campaigns"),
    path("gestion/campanas/nueva/", voices.campaign_edit, name="campaign_create"),
    path("gestion/campanas/<int:pk>/", voices.campaign_edit, name="campaign_edit"),
    path("gestion/testimonios/", voices.testimonial_list, name="testimonials"),
    path(
        "gestion/testimonios/nuevo/",
        voices.testimonial_create,
        name="testimonial_create",
    ),
    path(
        "gestion/testimonios/<int:pk>/retirar/",
        voices.testimonial_withdraw,
        name="testimonial_withdraw",
    ),
    path(
        "gestion/testimonios/redes.csv",
        voices.testimonials_export,
        name="testimonials_export",
    ),
    path(
        "mis-testimonios/<int:pk>/retirar/",
        voices.my_testimonial_withdraw,
        name="my_testimonial_withdraw",
    ),
    path("<int:pk>/editar/", manage.session_edit, name="edit"),
    path("<int:pk>/publicar/", manage.session_publish, name="publish"),
    path("<int:pk>/cancelar/", manage.session_cancel, name="cancel"),
    path("<int:pk>/asistencia/", manage.attendance, name="attendance"),
    path(
        "<int:pk>/asistencia/<int:registration_pk>/",
        manage.attendance_set,
        name="attendance_set",
    ),
    path(
        "<int:pk>/asistencia/sin-inscripcion/",
        manage.attendance_walk_in,
        name="walk_in",
    ),
    path("<int:pk>/realizada/", manage.session_mark_held, name="mark_held"),
    # Check-in from a phone: the personal QR (read by Comunicaciones), the room QR
    path("asistencia/<str:token>/", checkin.pass_checkin, name="pass"),
    path("<int:pk>/sala/<str:token>/", checkin.room_checkin, name="room_checkin"),
    path("<int:pk>/pantalla/", checkin.room_screen, name="room_screen"),
    path("<int:pk>/pantalla/codigo/", checkin.room_code, name="room_code"),
    path("<int:pk>/conclusiones/", minutes.minutes_edit, name="minutes_edit"),
    path(
        "<int:pk>/conclusiones/enviar/", minutes.minutes_submit, name="minutes_submit"
    ),
    path(
        "<int:pk>/conclusiones/versiones/",
        minutes.minutes_versions,
        name="minutes_versions",
    ),
    path(
        "<int:pk>/conclusiones/versiones/comparar/",
        minutes.minutes_diff,
        name="minutes_diff",
    ),
    # Despacho
    path("conclusiones/revision/", minutes.review_list, name="review_list"),
    path("<int:pk>/conclusiones/revision/", minutes.review, name="review"),
]
