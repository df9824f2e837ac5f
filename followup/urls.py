from django.urls import path

from . import report_views, views, whatif_views

app_name = "followup"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path(
        "applications/<uuid:public_id>/follow-ups/<int:months>/",
        views.follow_up,
        name="follow_up",
    ),
    path(
        "applications/<uuid:public_id>/positive-example/",
        views.positive_example,
        name="positive_example",
    ),
    path("whatif/", whatif_views.whatif, name="whatif"),
    path("reports/", report_views.report_order, name="report_order"),
    path("reports/<uuid:public_id>/status/", report_views.report_status, name="report_status"),
    path(
        "reports/<uuid:public_id>/download/",
        report_views.report_download,
        name="report_download",
    ),
]
