"""The health check for load balancers and monitoring: database and broker."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import health
from ..permissions import public


@public
@never_cache
@require_GET
def healthz(request):
    checks = {"database": health.database_ok(), "broker": health.broker_ok()}
    status = 200 if all(checks.values()) else 503
    body = {name: "ok" if ok else "error" for name, ok in checks.items()}
    return JsonResponse(body, status=status)
