"""Two-factor authentication (TOTP, django-otp): required for the roles in
settings.TWO_FACTOR_ROLES, optional for everyone else (who opens /two-factor/ to turn it on,
and is then asked for the code at every login).

After the password, a user of such a role who has no confirmed authenticator yet sets one up
(the key is shown as text and as an otpauth:// link); later logins ask for the six-digit code.
A single sign-on with a strong method (e.g. SITHS) counts as both factors.
This module holds who must give the code and the middleware that asks for it; the page
itself is ``rehab.views.two_factor``.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .roles import roles_of

# Pages a user who still owes the second factor may open.
ALLOWED_PATHS = ("/two-factor/", "/logout/", "/login/", "/oidc/", "/i18n/", "/static/", "/healthz")
# Set by a single sign-on whose provider reported a strong method (OIDC_STRONG_METHODS, e.g.
# SITHS): that login is the second factor, so no one-time code is asked (rehab/sso.py).
STRONG_LOGIN_SESSION_KEY = "samrehab_strong_login"


def two_factor_required(user) -> bool:
    """Required by the user's role, or chosen by the user (an authenticator set up)."""
    wanted = set(settings.TWO_FACTOR_ROLES)
    if wanted and any(role.value in wanted for role in roles_of(user)):
        return True
    return user_has_device(user)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.session.get(STRONG_LOGIN_SESSION_KEY)
            and not request.path.startswith(ALLOWED_PATHS)
            and two_factor_required(user)
        ):
            return redirect(f"{reverse('two_factor')}?next={request.path}")
        return self.get_response(request)
