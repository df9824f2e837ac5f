from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .permissions import login_required, permission_required, public
from .roles import start_page_for


@login_required
def home(request):
    """Send each user to the start page of their role."""
    start = start_page_for(request.user)
    if start is None:
        return render(request, "rehab/no_role.html", status=403)
    return redirect(start)


@permission_required("rehab.view_system_page")
def system(request):
    return render(request, "rehab/system.html")


@public
@never_cache
@require_GET
def healthz(request):
    checks = {"database": health.database_ok(), "broker": health.broker_ok()}
    status = 200 if all(checks.values()) else 503
    body = {name: "ok" if ok else "error" for name, ok in checks.items()}
    return JsonResponse(body, status=status)
