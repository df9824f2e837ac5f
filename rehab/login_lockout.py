"""Login lockout (django-axes) that a stranger cannot turn against a named user.

A user name is locked from the address that failed (``AXES_LOCKOUT_PARAMETERS`` is user
name + address), so guessing someone's password from elsewhere does not lock that person
out at their own desk. So that one address cannot try many names instead, an address is
also locked once it has failed ``LOGIN_ADDRESS_FAILURE_LIMIT`` times across all names within
the cool-off time. The address is the client's, read behind the trusted proxies
(``rehab.client_address``).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(get_client_ip_address(request)) >= (
            settings.LOGIN_ADDRESS_FAILURE_LIMIT
        )


def address_failures(address: str | None) -> int:
    """Failed logins from ``address`` for any user name within the cool-off time."""
    if not address:
        return 0
    since = timezone.now() - get_cool_off()
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start")
    )["failures"]
    return total or 0
