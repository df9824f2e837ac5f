"""Every URL's view states who may open it (rehab.permissions). The Django admin keeps its
own checks (staff status and model permissions) and is the only exception."""

from django.urls import URLPattern, URLResolver, get_resolver

from rehab.permissions import AUTHENTICATED, PUBLIC

PUBLIC_URL_NAMES = {
    "login",
    "logout",
    "set_language",
    "healthz",
    "sso_refused",
    "oidc_authentication_init",
    "oidc_authentication_callback",
}


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def declared_permission(pattern):
    view = pattern.callback
    return getattr(view, "required_permission", None) or getattr(
        getattr(view, "view_class", None), "required_permission", None
    )


def test_every_url_declares_its_permission():
    missing = [
        route
        for route, pattern in walk(get_resolver().url_patterns)
        if declared_permission(pattern) is None
    ]
    assert missing == []


def test_only_the_expected_views_are_public():
    public = {
        pattern.name
        for _, pattern in walk(get_resolver().url_patterns)
        if declared_permission(pattern) == PUBLIC
    }
    assert public == PUBLIC_URL_NAMES


def test_the_walk_sees_the_start_pages():
    routes = {route: declared_permission(p) for route, p in walk(get_resolver().url_patterns)}
    assert routes["queue/"] == "assessments.view_work_queue"
    assert routes[""] == AUTHENTICATED
