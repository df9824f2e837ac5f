import datetime
import uuid
from collections.abc import Iterable
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models import Application, Citizen, Goal, ServiceType
from followup.calc import HOURLY_COST, THERAPIST_HOURLY_COST, WEEKS_PER_MONTH
from rehab.models import Team
from tracks.models import Track


class FollowUpInterval(models.Model):
    """When follow-ups fall due after a decision, per track (admin-editable)."""

    track = models.PositiveSmallIntegerField(
        _("track"),
        choices=Track.choices,
        null=True,
        blank=True,
        help_text=_("Empty: cases without a track (e.g. handed over)."),
    )
    months = models.PositiveSmallIntegerField(_("months after the decision"))

    class Meta:
        ordering = ["track", "months"]
        constraints = [
            models.UniqueConstraint(fields=["track", "months"], name="one_interval_per_track")
        ]
        verbose_name = _("follow-up interval")
        verbose_name_plural = _("follow-up intervals")

    def __str__(self):
        return f"{self.get_track_display() or '–'}: {self.months}"


class FollowUp(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DUE = "due", _("Due")
        DONE = "done", _("Done")

    class Attainment(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT = "not", _("Not achieved")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="follow_ups"
    )
    months = models.PositiveSmallIntegerField(_("months after the decision"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    level_now = models.PositiveSmallIntegerField(_("needs level now"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    # Why it was recorded before its due date (a citizen may call early); empty otherwise.
    early_reason = models.TextField(
        _("reason for recording before the due date"), blank=True, max_length=1000
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on"]
        constraints = [
            # Scheduling twice creates nothing twice.
            models.UniqueConstraint(
                fields=["application", "months"], name="one_follow_up_per_interval"
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"])]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self):
        return f"{self.months} mån {self.due_on:%Y-%m-%d}"


class FollowUpService(models.Model):
    """Services and minutes the citizen has at the follow-up."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT)
    minutes_per_week = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "service"], name="one_row_per_follow_up_service"
            )
        ]

    def __str__(self):
        return f"{self.service}: {self.minutes_per_week or 0}"


class GoalAttainment(models.Model):
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="goal_attainments"
    )
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="attainments")
    attainment = models.CharField(
        _("attainment"), max_length=10, choices=FollowUp.Attainment.choices
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "goal"], name="one_attainment_per_goal")
        ]

    def __str__(self):
        return self.get_attainment_display()


class CaseClosure(models.Model):
    class Reason(models.TextChoices):
        NEEDS_ENDED = "needs_ended", _("Needs ended")
        DECLINED = "declined", _("Declined")
        MOVED = "moved", _("Moved")
        DECEASED = "deceased", _("Deceased")
        HANDED_OVER = "handed_over", _("Handed over")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="closure"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    closed_on = models.DateField(_("closed on"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["reason"])]
        verbose_name = _("case closure")
        verbose_name_plural = _("case closures")

    def __str__(self):
        return self.get_reason_display()


V = TypeVar("V", bound="Validity")


def version_valid_on(versions: Iterable[V], day: datetime.date) -> V | None:
    """The version valid on ``day`` among ``versions`` (newest ``valid_from`` first), or None.

    A version is valid from its ``valid_from`` until the next version starts, or until its
    ``valid_to`` when that comes first: the newest version that has started by ``day``,
    unless it ended before ``day``.
    """
    for version in versions:
        if version.valid_from <= day:
            return None if version.valid_to is not None and version.valid_to < day else version
    return None


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """The version valid on ``day`` (see ``version_valid_on``), or None: one query, plus
        the queryset's prefetches for the version found."""
        return version_valid_on(self.filter(valid_from__lte=day).order_by("-valid_from")[:1], day)


class Validity(models.Model):
    """A version valid from a date until the next version starts (or ``valid_to``)."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-valid_from"]


class SavingsParameters(Validity):
    """Hourly cost, weeks per month and the therapist's hourly cost, versioned."""

    hourly_cost = models.DecimalField(
        _("home care cost per hour (kr)"), max_digits=8, decimal_places=2, default=HOURLY_COST
    )
    weeks_per_month = models.DecimalField(
        _("weeks per month"), max_digits=4, decimal_places=2, default=WEEKS_PER_MONTH
    )
    therapist_hourly_cost = models.DecimalField(
        _("therapist cost per hour (kr)"),
        max_digits=8,
        decimal_places=2,
        default=THERAPIST_HOURLY_COST,
    )

    class Meta(Validity.Meta):
        verbose_name = _("savings parameters")
        verbose_name_plural = _("savings parameters")
        constraints = [
            models.UniqueConstraint(fields=["valid_from"], name="one_parameter_set_per_date")
        ]

    def __str__(self):
        return f"{self.valid_from:%Y-%m-%d}"


class Tariff(Validity):
    """Monthly compensation per needs level (the level model), versioned."""

    name = models.CharField(_("name"), max_length=100)

    class Meta(Validity.Meta):
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")

    def __str__(self):
        return f"{self.name} ({self.valid_from:%Y-%m-%d})"


class TariffLevel(models.Model):
    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"))
    monthly_compensation = models.DecimalField(
        _("compensation per month (kr)"), max_digits=10, decimal_places=2
    )

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["tariff", "level"], name="one_row_per_level")
        ]

    def __str__(self):
        return f"{self.level}: {self.monthly_compensation}"


class ReportRequest(models.Model):
    """A follow-up report a manager ordered; the worker renders it into ``file``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        # The retention period (REPORT_RETENTION_DAYS) has passed: the file is deleted.
        EXPIRED = "expired", _("Expired")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    teams = models.ManyToManyField(Team, verbose_name=_("teams"))
    tracks = models.JSONField(_("tracks"), default=list)
    # How the level model charges the therapist's cost (``followup.calc.TherapistCost``).
    therapist_cost = models.CharField(
        _("therapist cost"),
        max_length=7,
        choices=[("once", _("Once per case")), ("monthly", _("Every month"))],
        default="once",
    )
    # The same parameters ordered again give this same request (one report).
    request_key = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="reports/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Renewed every few seconds while a worker runs the job (``rehab.jobs.heartbeat``); a
    # running report whose heartbeat has stopped lost its worker and is sent again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request_key"],
                condition=~Q(status__in=["failed", "expired"]),
                name="one_live_report_per_request",
            )
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    @property
    def expires_at(self) -> datetime.datetime | None:
        """When the file is deleted (``followup.tasks.expire_reports``), once it is made."""
        if self.finished_at is None:
            return None
        return self.finished_at + datetime.timedelta(days=settings.SAMREHAB_REPORT_RETENTION_DAYS)


class PositiveExample(models.Model):
    """A case a person chose for the report's positive examples, with a description they
    wrote without names or other identifying details (the report calls it "Fall A", …)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="positive_example"
    )
    description = models.TextField(_("description"), max_length=2000)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(auto_now=True)
    # Optimistic locking as ``assessments.models.Versioned``: a save states the version it
    # started from (``followup.services.positive_example_save``).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("positive example")
        verbose_name_plural = _("positive examples")

    def __str__(self):
        return f"example {self.application_id}"


class PerformedMinutes(models.Model):
    """The minutes a home-care provider performed for one citizen, service and month, from
    the provider's monthly export (``followup.performed_import``). A month is stored as its
    first day; importing the same citizen, service and month again replaces the minutes."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="performed_minutes")
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, verbose_name=_("service"))
    month = models.DateField(_("month"))
    minutes = models.PositiveIntegerField(_("performed minutes"))
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source_file = models.CharField(_("source file"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "service", "month"], name="one_performed_row_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="performed_month_is_first_day"),
        ]
        indexes = [models.Index(fields=["month", "service"])]
        verbose_name = _("performed minutes")
        verbose_name_plural = _("performed minutes")

    def __str__(self):
        return f"{self.month:%Y-%m}: {self.minutes} min"


class TemporaryIncrease(models.Model):
    """A temporary increase (tillfällig utökning) of a service the decision granted: extra
    minutes per week for a period, for a stated reason (after a hospital stay, a relative
    away). The period is inclusive and at most ``TEMPORARY_INCREASE_MAX_MONTHS`` long
    (``followup.services.temporary_increase_record``)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="temporary_increases",
        verbose_name=_("application"),
    )
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, verbose_name=_("service"))
    extra_minutes_per_week = models.PositiveIntegerField(_("extra minutes per week"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to and including"))
    reason = models.TextField(_("reason"), max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="temporary_increase_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(extra_minutes_per_week__gt=0),
                name="temporary_increase_adds_minutes",
            ),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]
        verbose_name = _("temporary increase")
        verbose_name_plural = _("temporary increases")

    def __str__(self):
        return f"{self.service}: +{self.extra_minutes_per_week} min {self.starts_on:%Y-%m-%d}"


class CaseFigures(models.Model):
    """One row per case: the facts of the case that the indicators would otherwise work out
    with a subquery per case (the latest förlopp and EQ-5D-5L, the first joint visit done,
    the minutes applied for and granted). Derived data: ``followup.case_figures`` writes it
    after each change through the services and rebuilds it whole every night (ADR 0016);
    nothing else writes it. The scope's filters (team, track, home-care area, dates) stay on
    the case's own tables, so a move of team or track needs no refresh."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="case_figures"
    )
    first_visit_at = models.DateTimeField(null=True)
    joint_assessment = models.BooleanField(default=False)
    safety_alarm = models.BooleanField(default=False)
    applied_minutes = models.IntegerField(default=0)
    applied_services = models.IntegerField(default=0)
    granted_minutes = models.IntegerField(default=0)
    granted_services = models.IntegerField(default=0)
    trajectory = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    eq5d_sum_before = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    eq5d_sum_after = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    vas_before = models.FloatField(null=True)
    vas_after = models.FloatField(null=True)

    class Meta:
        verbose_name = _("case figures")
        verbose_name_plural = _("case figures")

    def __str__(self):
        return f"figures of case {self.application_id}"
