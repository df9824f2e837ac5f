"""Logging in and out: the login page (password and, when configured, single sign-on), the
start of a single sign-on and the provider's callback (mozilla-django-oidc's views with the
provider's addresses from ``rehab.sso``), the page for a refused single sign-on, and logout
(which ends the session at the provider too, where it offers that)."""

import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .. import services, sso
from ..client_address import client_ip
from ..models import SignInEvent
from ..permissions import public
from ..two_factor import STRONG_LOGIN_SESSION_KEY


class LoginView(auth_views.LoginView):
    """The password form (unless ``LOCAL_LOGIN`` is off) and the single sign-on button."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": sso.enabled(),
            "local_login": settings.LOCAL_LOGIN,
        }


class AuthenticationRequestView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's login (with state, nonce and PKCE)."""

    get_settings = staticmethod(sso.setting)
    OIDC_OP_AUTH_ENDPOINT = property(lambda self: sso.setting("OIDC_OP_AUTHORIZATION_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)

    def get(self, request):
        if not sso.enabled():
            raise Http404
        try:
            return super().get(request)
        except (requests.RequestException, ImproperlyConfigured):
            request.session[sso.REFUSAL_SESSION_KEY] = services.SignInRefusal.PROVIDER
            return redirect("sso_refused")


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code (or an error)."""

    get_settings = staticmethod(sso.setting)

    @property
    def failure_url(self):
        return reverse("sso_refused")

    def get(self, request):
        if "code" not in request.GET and "error" not in request.GET:
            return redirect("login")
        self.signed_in_before = request.user if request.user.is_authenticated else None
        return super().get(request)

    def login_success(self):
        renewal = self.signed_in_before is not None and self.signed_in_before == self.user
        response = super().login_success()
        self.request.session[STRONG_LOGIN_SESSION_KEY] = bool(
            getattr(self.user, "sso_strong", False)
        )
        if not renewal:
            services.sign_in_event_record(
                event=SignInEvent.Event.LOGIN,
                subject=self.user.sso_subject or "",
                user=self.user,
                name=self.user.get_full_name(),
                detail="strong" if getattr(self.user, "sso_strong", False) else "",
                address=client_ip(self.request),
            )
        return response

    def login_failure(self):
        request = self.request
        refusal = getattr(request, "sso_refusal", "") or services.SignInRefusal.PROVIDER
        before = self.signed_in_before
        if before is not None and not getattr(request, "sso_refusal", ""):
            # The provider no longer confirms a session that was open here (switched off
            # there, or logged out there): recorded here, since no claims came back.
            services.sign_in_event_record(
                event=SignInEvent.Event.REFUSED,
                subject=before.sso_subject or "",
                user=before,
                name=before.get_full_name(),
                detail=refusal,
                address=client_ip(request),
            )
        if request.user.is_authenticated:
            auth.logout(request)
        request.session[sso.REFUSAL_SESSION_KEY] = refusal
        return super().login_failure()


@public
def refused(request):
    """Why single sign-on did not let the person in, and what to do."""
    refusal = request.session.get(sso.REFUSAL_SESSION_KEY, services.SignInRefusal.PROVIDER)
    return render(
        request,
        "registration/sso_refused.html",
        {"refusal": refusal, "no_role": refusal == services.SignInRefusal.NO_ROLE},
        status=403,
    )


@public
@require_POST
def logout(request):
    """Ends the session here and, after single sign-on, at the provider too."""
    provider_url = None
    if sso.signed_in_with_sso(request):
        provider_url = sso.provider_logout_url(request)
        services.sign_in_event_record(
            event=SignInEvent.Event.LOGOUT,
            subject=request.user.sso_subject or "",
            user=request.user,
            name=request.user.get_full_name(),
            address=client_ip(request),
        )
    auth.logout(request)
    if provider_url is None:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return redirect(provider_url)
