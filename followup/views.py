from django.shortcuts import render

from rehab.permissions import permission_required


@permission_required("followup.view_overview")
def overview(request):
    return render(request, "followup/overview.html")
