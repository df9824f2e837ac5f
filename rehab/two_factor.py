"""Two-factor authentication (TOTP, django-otp): required for the roles in
settings.TWO_FACTOR_ROLES, optional for everyone else (who opens /two-factor/ to turn it on,
and is then asked for the code at every login).

After the password, a user of such a role who has no confirmed authenticator yet sets one up
(the key is shown as text and as an otpauth:// link); later logins ask for the six-digit code.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .permissions import login_required
from .roles import roles_of

# Pages a user who still owes the second factor may open.
ALLOWED_PATHS = ("/two-factor/", "/logout/", "/i18n/", "/static/", "/healthz")


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
            and not request.path.startswith(ALLOWED_PATHS)
            and two_factor_required(user)
        ):
            return redirect(f"{reverse('two_factor')}?next={request.path}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        regex=r"^\d{6}$",
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"invalid": gettext_lazy("Enter the six digits shown in the app.")},
    )


@login_required
def two_factor(request):
    """Set up an authenticator (first time) or enter the code from it."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device, _created = TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": "authenticator"}
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on for your account."))
            next_url = request.GET.get("next", "")
            return redirect(next_url if next_url.startswith("/") else "home")
        form.add_error("token", _("The code is wrong or has expired. Try the next code."))
    return render(
        request,
        "registration/two_factor.html",
        {
            "form": form,
            "setting_up": setting_up,
            "key": _grouped(device.bin_key) if setting_up else "",
            "config_url": device.config_url if setting_up else "",
        },
    )


def _grouped(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
