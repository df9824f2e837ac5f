"""The start page that sends each user on to their role's page, and the system page."""

from django.shortcuts import redirect, render

from ..permissions import login_required, permission_required
from ..roles import start_page_for


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
