from django.urls import path

from . import views

app_name = "tracks"
urlpatterns = [
    path("applications/<uuid:public_id>/track/", views.track, name="track"),
    path(
        "applications/<uuid:public_id>/interventions/",
        views.interventions,
        name="interventions",
    ),
    path(
        "applications/<uuid:public_id>/interventions/new/",
        views.intervention_add,
        name="intervention_add",
    ),
    path(
        "applications/<uuid:public_id>/interventions/<int:intervention_id>/",
        views.intervention_edit,
        name="intervention_edit",
    ),
    path(
        "applications/<uuid:public_id>/interventions/<int:intervention_id>/remove/",
        views.intervention_remove,
        name="intervention_remove",
    ),
    path("applications/<uuid:public_id>/handover/", views.handover, name="handover"),
]
