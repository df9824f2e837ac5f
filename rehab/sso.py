"""Single sign-on over OpenID Connect, with mozilla-django-oidc (ADR 0018).

On when ``OIDC_ISSUER`` (with ``OIDC_CLIENT_ID`` and ``OIDC_CLIENT_SECRET``) is set. The
provider's endpoints come from its discovery document, fetched once per process when first
needed, so a process starts even while the provider is away.

- ``SingleSignOnBackend``: the authorisation code flow (with PKCE and a nonce); the ID token
  must come from the configured issuer for this client. The person is matched on the claim
  ``OIDC_ID_CLAIM`` alone, never on the e-mail address; roles and team come from the claims
  through ``ClaimMapping`` (``rehab.services.sso_sign_in``).
- ``SessionRecheckMiddleware``: after ``OIDC_RECHECK_MINUTES`` the next page a signed-in
  person opens asks the provider again without showing anything (``prompt=none``); a person
  switched off or left without a role there is logged out here. An htmx poll is answered
  with ``HX-Redirect``, so the whole page makes the round trip.
- ``provider_logout_url``: where logging out continues, so that the session at the provider
  ends too (RP-initiated logout), when the provider offers it.

The views (the start of a login, the callback, the refusal page, logout) are
``rehab.views.sso``.
"""

import logging
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh
from mozilla_django_oidc.utils import import_from_settings

from . import services
from .client_address import client_ip

logger = logging.getLogger(__name__)

BACKEND = "rehab.sso.SingleSignOnBackend"
# Why the last single sign-on was refused (shown by the refusal page).
REFUSAL_SESSION_KEY = "samrehab_sso_refusal"

_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_metadata: dict[str, dict] = {}


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def provider_metadata() -> dict:
    """The issuer's discovery document (``/.well-known/openid-configuration``)."""
    issuer = settings.OIDC_ISSUER
    document = _metadata.get(issuer)
    if document is None:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        if str(document.get("issuer", "")).rstrip("/") != issuer:
            raise ImproperlyConfigured("The provider's discovery document names another issuer.")
        _metadata[issuer] = document
    return document


def setting(name: str, *default):
    """mozilla-django-oidc's settings, with the endpoints from the discovery document."""
    if name in _ENDPOINTS:
        return provider_metadata()[_ENDPOINTS[name]]
    return import_from_settings(name, *default)


def provider_origin() -> str:
    parts = urlsplit(settings.OIDC_ISSUER)
    return f"{parts.scheme}://{parts.netloc}"


def signed_in_with_sso(request) -> bool:
    return request.user.is_authenticated and request.session.get(BACKEND_SESSION_KEY) == BACKEND


def is_strong(id_token_claims: dict) -> bool:
    """The provider reports a method counted as strong (``OIDC_STRONG_METHODS``)."""
    strong = set(settings.OIDC_STRONG_METHODS)
    methods = id_token_claims.get("amr") or []
    if isinstance(methods, str):
        methods = [methods]
    return bool(strong) and (
        str(id_token_claims.get("acr", "")) in strong or any(str(m) in strong for m in methods)
    )


def provider_logout_url(request) -> str | None:
    """The provider's end-session address for this session, or None when it has none."""
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except (requests.RequestException, ImproperlyConfigured):
        logger.warning("single sign-on: the provider could not be reached to log out there")
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"


class SingleSignOnBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(setting)

    def __init__(self, *args, **kwargs):
        # Django makes a backend for every request of a signed-in user (get_user): the
        # provider's addresses are looked up when a login needs them, not here.
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        # Only the provider's callback carries a code; the password form never does.
        if request is None or not enabled() or not request.GET.get("code"):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, ImproperlyConfigured) as error:
            # The class name only: the provider's answer may quote the code or a token.
            logger.warning("single sign-on failed at the provider (%s)", type(error).__name__)
            request.sso_refusal = services.SignInRefusal.PROVIDER
            return None

    def get_or_create_user(self, access_token, id_token, payload):
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if (
            str(payload.get("iss", "")).rstrip("/") != settings.OIDC_ISSUER
            or settings.OIDC_RP_CLIENT_ID not in audiences
        ):
            raise SuspiciousOperation("The ID token is not from the issuer for this client.")
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info is about someone else.")
        outcome = services.sso_sign_in(
            claims={**payload, **userinfo}, address=client_ip(self.request)
        )
        if outcome.user is None:
            self.request.sso_refusal = outcome.refusal
            return None
        # Read by the callback view: a strong login skips the one-time code.
        outcome.user.sso_strong = is_strong(payload)
        return outcome.user


class SessionRecheckMiddleware(SessionRefresh):
    """Asks the provider again after ``OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS`` (see the module)."""

    get_settings = staticmethod(setting)
    OIDC_STATE_SIZE = 32
    OIDC_NONCE_SIZE = 32
    OIDC_USE_NONCE = True
    OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
    OIDC_EXEMPT_URLS: list = []
    OIDC_OP_AUTHORIZATION_ENDPOINT = property(
        lambda self: setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
    )
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_SCOPES = property(lambda self: settings.OIDC_RP_SCOPES)

    def __init__(self, get_response):
        MiddlewareMixin.__init__(self, get_response)

    @property
    def exempt_urls(self):
        names = ("oidc_authentication_init", "oidc_authentication_callback", "logout")
        return {reverse(name) for name in names} | {reverse("sso_refused")}

    def process_response(self, request, response):
        # The logout form's redirect continues to the provider (RP-initiated logout), and a
        # browser checks a form's redirects against the page's form-action too.
        if enabled():
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), provider_origin()]
            response._csp_update = update
        return response

    def process_request(self, request):
        if not enabled() or not signed_in_with_sso(request):
            return None
        try:
            response = super().process_request(request)
        except (requests.RequestException, ImproperlyConfigured) as error:
            # Without the provider nobody can be checked: the session ends here.
            logger.warning("single sign-on recheck failed (%s)", type(error).__name__)
            auth.logout(request)
            request.session[REFUSAL_SESSION_KEY] = services.SignInRefusal.PROVIDER
            return redirect("sso_refused")
        if isinstance(response, HttpResponseRedirect) and request.headers.get("HX-Request"):
            return self._whole_page(request, response["Location"])
        return response

    @staticmethod
    def _whole_page(request, provider_url: str) -> HttpResponse:
        """A page's htmx poll (import and report status) cannot follow the provider's
        redirects: htmx sends the whole page there instead, and back to the page it was."""
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        same_site = current.netloc == request.get_host() and current.path.startswith("/")
        back = current.path + (f"?{current.query}" if current.query else "")
        request.session["oidc_login_next"] = back if same_site else reverse("home")
        response = HttpResponse(status=204)
        response["HX-Redirect"] = provider_url
        return response
