from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from . import directory_views, habeas_views, sso, views

urlpatterns = [
    path("", views.home, name="home"),
    path("ingresar/", views.LoginView.as_view(), name="login"),
    path(
        "ingresar/institucional/",
        sso.LoginStartView.as_view(),
        name="oidc_authentication_init",
    ),
    path(
        "ingresar/institucional/vuelta/",
        sso.CallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
    path("salir/", views.LogoutView.as_view(), name="logout"),
    path(
        "clave/restablecer/", views.PasswordResetView.as_view(), name="password_reset"
    ),
    path(
        "clave/restablecer/enviado/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "clave/restablecer/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "clave/restablecer/listo/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("clave/cambiar/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "clave/cambiar/listo/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("directorio/", directory_views.import_roster, name="directory_import_new"),
    path(
        "directorio/cargas/<int:pk>/",
        directory_views.import_detail,
        name="directory_import",
    ),
    path("directorio/roles/", directory_views.role_list, name="directory_roles"),
    path(
        "directorio/roles/otorgar/",
        directory_views.grant_role,
        name="directory_grant_role",
    ),
    path(
        "directorio/roles/<int:person_pk>/retirar/<str:role>/",
        directory_views.remove_role,
        name="directory_remove_role",
    ),
    path("directorio/jefes/", directory_views.set_head, name="directory_set_head"),
    path("privacidad/", views.privacy_notice, name="privacy_notice"),
    path("mis-datos/", views.my_data, name="my_data"),
    path("mis-datos/preferencias/", views.preferences, name="preferences"),
    path(
        "mis-datos/solicitudes/nueva/",
        habeas_views.file_request,
        name="habeas_file",
    ),
    path(
        "mis-datos/solicitudes/<int:pk>/completar/",
        habeas_views.complete_request,
        name="habeas_complete",
    ),
    path("datos/solicitudes/", habeas_views.queue, name="habeas_queue"),
    path("datos/solicitudes/<int:pk>/", habeas_views.detail, name="habeas_detail"),
    re_path(
        r"^datos/solicitudes/(?P<pk>\d+)/"
        r"(?P<step>prorrogar|pedir-informacion|responder|ejecutar)/$",
        habeas_views.act,
        name="habeas_act",
    ),
    path("datos/accesos/", habeas_views.access_log, name="habeas_access_log"),
    path("datos/retencion/", habeas_views.retention_report, name="habeas_retention"),
    re_path(
        r"^mis-datos/descargar/(?P<fmt>json|csv)/$",
        views.my_data_export,
        name="my_data_export",
    ),
]
