from django.shortcuts import render

from rehab.permissions import permission_required


@permission_required("assessments.view_work_queue")
def work_queue(request):
    return render(request, "assessments/work_queue.html")


@permission_required("assessments.view_my_visits")
def my_visits(request):
    return render(request, "assessments/my_visits.html")
