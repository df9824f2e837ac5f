from django.urls import path

from . import report_views, views

app_name = "followup"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("reports/", report_views.report_order, name="report_order"),
    path(
        "reports/<uuid:public_id>/status/", report_views.report_status, name="report_status"
    ),
    path(
        "reports/<uuid:public_id>/download/",
        report_views.report_download,
        name="report_download",
    ),
]
