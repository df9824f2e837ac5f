"""Setting up an authenticator (first time) and entering its code at login; the policy of
who must do so and the middleware that enforces it are in ``rehab.two_factor``."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..forms.two_factor import TokenForm
from ..permissions import login_required


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
            safe = url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            # Only a path on this site: "//host/…" and "/\\host" are other sites.
            return redirect(next_url if safe and next_url.startswith("/") else "home")
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
