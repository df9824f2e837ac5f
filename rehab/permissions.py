"""Every view states its permission with one of these decorators.

``permission_required`` checks a rules permission (see each app's ``rules.py``);
``public`` marks the few views anyone may open. The URL-wide permission test reads the
``required_permission`` attribute both leave on the view.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .roles import CASE_ROLES, roles_of

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def permission_required(perm: str, fn=None):
    """Anonymous users go to the login page; users without ``perm`` get 403.

    ``fn(request, **kwargs)`` may return the object the permission is checked against; the
    view finds it again as ``request.permission_object`` instead of loading it twice.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                obj = fn(request, **kwargs) if fn else None
            except Http404:
                # Only the roles that work on cases can be told a case is not theirs (404);
                # managers and administrators have no access to case records at all (403).
                if not set(roles_of(request.user)) & CASE_ROLES:
                    raise PermissionDenied from None
                raise
            request.permission_object = obj
            if perm != AUTHENTICATED and not request.user.has_perm(perm, obj):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_permission = perm
        return wrapper

    return decorator


def login_required(view):
    return permission_required(AUTHENTICATED)(view)


def public(view):
    view.required_permission = PUBLIC
    return view
