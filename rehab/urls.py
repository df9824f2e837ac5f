from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from . import views
from .permissions import public

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", public(auth_views.LoginView.as_view()), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("system/", views.system, name="system"),
    path("", include("assessments.urls")),
    path("", include("tracks.urls")),
    path("", include("followup.urls")),
    path("admin/", admin.site.urls),
]
