from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from .permissions import public
from .views import access_log, health, home, sso, two_factor

handler500 = "rehab.middleware.server_error"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", public(sso.LoginView.as_view()), name="login"),
    path("login/refused/", sso.refused, name="sso_refused"),
    path("logout/", sso.logout, name="logout"),
    path(
        "oidc/authenticate/",
        public(sso.AuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        public(sso.CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("two-factor/", two_factor.two_factor, name="two_factor"),
    path("system/", home.system, name="system"),
    path("system/access-log/", access_log.access_log, name="access_log"),
    path(
        "system/access-log/export.csv",
        access_log.access_log_export,
        name="access_log_export",
    ),
    path(
        "system/access-log/citizen/",
        access_log.citizen_access_report,
        name="citizen_access_report",
    ),
    path("", include("assessments.urls")),
    path("", include("tracks.urls")),
    path("", include("followup.urls")),
    path("", include("studies.urls")),
    path("admin/", admin.site.urls),
]
