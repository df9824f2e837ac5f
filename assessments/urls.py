from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("queue/", views.work_queue, name="work_queue"),
    path("visits/", views.my_visits, name="my_visits"),
]
