import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .display import citizen_display_name
from .models import Application


class WorkQueueTable(tables.Table):
    """The case officer's queue. Every sort ends in the case's id, so that the same order is
    the same each time and the pages split the cases without repeating or losing any (many
    cases share a day of receipt, a status or a therapist)."""

    citizen = tables.Column(verbose_name=_("Citizen"), order_by=("sort_name", "pk"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "pk"))
    received_on = tables.DateColumn(
        verbose_name=_("Received"), format="Y-m-d", order_by=("received_on", "pk")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))
    applied_minutes = tables.Column(
        verbose_name=_("Applied min/week"), default="–", order_by=("applied_minutes", "pk")
    )
    visit_at = tables.Column(
        verbose_name=_("Joint visit"), default="–", order_by=("visit_at", "pk")
    )
    therapist = tables.Column(
        verbose_name=_("Therapist"),
        default="–",
        order_by=("therapist__last_name", "therapist__first_name", "pk"),
    )
    case_officer = tables.Column(
        verbose_name=_("Case officer"),
        order_by=("case_officer__last_name", "case_officer__first_name", "pk"),
    )

    class Meta:
        model = Application
        fields = [
            "citizen",
            "kind",
            "received_on",
            "status",
            "applied_minutes",
            "visit_at",
            "therapist",
            "case_officer",
        ]
        attrs = {"class": "table table-sm table-hover align-middle"}
        # Next / previous links instead of page numbers (the view pages by keyset), and the
        # rows written out in the template (a new column goes there too).
        template_name = "assessments/work_queue_table.html"
        order_by = ("received_on",)
        empty_text = _("No applications match.")

    def render_citizen(self, record):
        url = reverse("assessments:application_detail", args=[record.public_id])
        name = citizen_display_name(record.citizen, record.name_granted)
        badge = ""
        if record.overdue:
            badge = format_html(' <span class="badge text-bg-warning">{}</span>', _("Overdue"))
        return format_html('<a href="{}">{}</a>{}', url, name, badge)

    def render_visit_at(self, value, record):
        when = date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if not record.visit_done:
            return when
        return format_html(
            '{} <span class="text-body-secondary">({})</span>', when, _("visit done")
        )
