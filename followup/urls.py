from django.urls import path

from . import views, whatif_views

app_name = "followup"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path(
        "applications/<uuid:public_id>/follow-ups/<int:months>/",
        views.follow_up,
        name="follow_up",
    ),
    path("whatif/", whatif_views.whatif, name="whatif"),
]
