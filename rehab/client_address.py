"""The address a request came from, behind the TLS proxies the installation trusts.

Behind a proxy every request's ``REMOTE_ADDR`` is the proxy's. Each proxy appends the
address it received the request from to ``X-Forwarded-For``; with ``TRUSTED_PROXY_COUNT``
proxies of our own in front, the client is the entry that many places from the right.
Entries further left were written by the client and are ignored, so nobody can choose the
address the lockout and the access log see. With no trusted proxies (the default), the
header is ignored altogether.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
