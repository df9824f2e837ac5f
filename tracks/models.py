from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models import Application, Versioned


class Track(models.IntegerChoices):
    FALL_PREVENTION = 1, _("Track 1: fall prevention home visit")
    ACTIVITY_ASSESSMENT = 2, _("Track 2: activity and function assessment before the decision")
    INTENSIVE_REHAB = 3, _("Track 3: intensive home rehabilitation")


class TrackAssignment(models.Model):
    """The track the joint team confirmed, beside the one the rules proposed and why."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="track_assignment"
    )
    proposed = models.PositiveSmallIntegerField(_("proposed track"), choices=Track.choices)
    proposal_reasons = models.JSONField(_("reasons for the proposal"), default=list)
    track = models.PositiveSmallIntegerField(_("track"), choices=Track.choices)
    override_reason = models.TextField(_("reason for another track"), blank=True, max_length=2000)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("track assignment")
        verbose_name_plural = _("track assignments")
        indexes = [models.Index(fields=["track"])]

    def __str__(self):
        return self.get_track_display()


class Intervention(Versioned):
    """A therapist's or physiotherapist's visit (insats) in the track.

    Versioned, so that a correction refuses a stale save; its history keeps every
    correction and a removal with who removed it, when and why (the reason is the history
    row's change reason, see ``services.intervention_remove``).
    """

    class Profession(models.TextChoices):
        THERAPIST = "ot", _("Occupational therapist")
        PHYSIO = "pt", _("Physiotherapist")

    class Kind(models.TextChoices):
        DEVICE_FITTING = "device_fitting", _("Assistive device fitting")
        TRAINING = "training", _("Training")
        ADVICE = "advice", _("Advice")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interventions"
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name=_("performed by"),
    )
    profession = models.CharField(_("profession"), max_length=2, choices=Profession.choices)
    performed_on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    devices_prescribed = models.CharField(
        _("assistive devices prescribed"), max_length=500, blank=True
    )
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    extra_visit_reason = models.TextField(
        _("reason for an extra visit"),
        blank=True,
        max_length=2000,
        help_text=_("Required from the sixth therapist visit on."),
    )
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["performed_on", "pk"]
        indexes = [models.Index(fields=["application", "profession"])]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self):
        return f"{self.get_kind_display()} {self.performed_on:%Y-%m-%d}"


class Handover(models.Model):
    """Överlämning: no potential for independence, so the case leaves the tracks."""

    class Recipient(models.TextChoices):
        HOME_HEALTH_CARE = "home_health_care", _("Home health care")
        CARE_TEAM = "care_team", _("Care team")
        OTHER = "other", _("Other")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="handover"
    )
    recipient = models.CharField(_("handed over to"), max_length=20, choices=Recipient.choices)
    recipient_detail = models.CharField(_("recipient (unit or person)"), max_length=200, blank=True)
    handed_over_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self):
        return self.get_recipient_display()
