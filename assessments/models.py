import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rehab.models import Team

from . import workflow


class Versioned(models.Model):
    """Optimistic locking: a save states the version it started from (see services)."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ServiceType(models.Model):
    """The service catalogue (insatskatalog), edited by the system administrator."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    has_minutes = models.BooleanField(
        _("measured in minutes per week"),
        default=True,
        help_text=_("Off for services such as the safety alarm that have no minutes."),
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("service type")
        verbose_name_plural = _("service catalogue")

    def __str__(self):
        return self.name


class HomeCareArea(models.Model):
    """A home-care area (hemtjänstområde) of a team, edited by the system administrator."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="home_care_areas", verbose_name=_("team")
    )
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["team__name", "name"]
        verbose_name = _("home-care area")
        verbose_name_plural = _("home-care areas")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "name"], name="one_home_care_area_name_per_team"
            )
        ]

    def __str__(self):
        return self.name


class Citizen(Versioned):
    class Sex(models.TextChoices):
        FEMALE = "K", _("Female")
        MALE = "M", _("Male")
        OTHER = "X", _("Other or not stated")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    personal_number = models.CharField(
        _("personal identity number"),
        max_length=12,
        unique=True,
        help_text=_("Personnummer or samordningsnummer, stored as 12 digits."),
    )
    is_coordination_number = models.BooleanField(_("coordination number"), default=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    home_care_area = models.ForeignKey(
        HomeCareArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citizens",
        verbose_name=_("home-care area"),
    )
    protected_identity = models.BooleanField(
        _("protected identity"),
        default=False,
        help_text=_(
            "Skyddad identitet: the address is hidden and the name is shown only to "
            "users with an explicit grant."
        ),
    )
    next_of_kin_name = models.CharField(_("next of kin"), max_length=200, blank=True)
    next_of_kin_relation = models.CharField(_("relation"), max_length=100, blank=True)
    next_of_kin_phone = models.CharField(_("next of kin's phone"), max_length=30, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="citizens"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        super().clean()
        if self.home_care_area_id and self.team_id and self.home_care_area.team_id != self.team_id:
            raise ValidationError(
                {"home_care_area": _("Choose a home-care area of the citizen's team.")}
            )


class ProtectedIdentityGrant(models.Model):
    """An explicit, recorded right for one user to see a protected citizen's name."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["citizen", "user"], name="one_grant_per_user")
        ]
        verbose_name = _("protected identity grant")
        verbose_name_plural = _("protected identity grants")

    def __str__(self):
        return f"{self.user} → {self.citizen_id}"


class StatusMoveError(RuntimeError):
    """A case's status was changed other than through ``services.move_status``."""


class ApplicationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if "status" in kwargs:
            raise StatusMoveError(
                "An application's status changes only through assessments.services.move_status."
            )
        return super().update(**kwargs)


# The application's columns that repeat what its visits and applied services say.
QUEUE_COLUMNS = ["visit_at", "visit_done", "applied_minutes"]
# The application's own columns the work queue sorts by (each with an index per owner), and
# the people whose names it sorts by (the index holds what the sort reads of the case).
QUEUE_SORT_KEYS = [
    "received_on",
    "kind",
    "status",
    "applied_minutes",
    "visit_at",
    "citizen",
    "therapist",
    "case_officer",
]


class Application(Versioned):
    class Kind(models.TextChoices):
        APPLICATION = "ansokan", _("Application (ansökan)")
        NOTIFICATION = "anmalan", _("Notification (anmälan)")
        REVIEW = "aktualisering", _("Review (aktualisering)")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        E_SERVICE = "e_service", _("E-service")
        IN_PERSON = "in_person", _("In person")
        HOSPITAL = "hospital", _("Hospital discharge planning")
        NEXT_OF_KIN = "next_of_kin", _("Next of kin")
        OTHER = "other", _("Other")

    # The statuses and the moves between them are the workflow's (assessments/workflow.py).
    Status = workflow.Status

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="applications", verbose_name=_("citizen")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.APPLICATION
    )
    received_on = models.DateField(_("date received"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    after_inpatient_stay = models.BooleanField(_("after an inpatient stay"), default=False)
    existing_services = models.TextField(_("existing services"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="applications"
    )
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case officer"),
        on_delete=models.PROTECT,
        related_name="applications_as_case_officer",
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("occupational therapist"),
        on_delete=models.PROTECT,
        related_name="applications_as_therapist",
        null=True,
        blank=True,
    )
    physio = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("physiotherapist"),
        on_delete=models.PROTECT,
        related_name="applications_as_physio",
        null=True,
        blank=True,
        help_text=_("Brought in when the citizen needs a physiotherapist too."),
    )
    import_key = models.CharField(max_length=100, blank=True, editable=False)
    # What the work queue sorts and filters on besides the case's own fields, kept up to date
    # by the services that book and record visits and replace the applied services
    # (``services.refresh_queue_columns``), so that an index serves each sort (ADR 0015).
    # The joint visit that counts: the latest one done, else the one booked.
    visit_at = models.DateTimeField(null=True, blank=True, editable=False)
    visit_done = models.BooleanField(default=False, editable=False)
    # The applied minutes per week of all the applied services; None where none has minutes.
    applied_minutes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    history = HistoricalRecords()
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["case_officer", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["status", "received_on"]),
            # The work queue: the open cases of a case officer or of a team in the order of
            # each sort it offers, ending in the id (ADR 0015). Partial: most cases are
            # closed and the queue never lists them unless filtered by that status.
            *(
                models.Index(
                    fields=[owner, key, "id"],
                    condition=~Q(status="closed"),
                    name=f"queue_{owner[:4]}_{key[:12]}",
                )
                for owner in ("case_officer", "team")
                for key in QUEUE_SORT_KEYS
                if key != owner
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="unique_import_key"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.received_on:%Y-%m-%d}"

    # A status read from the database may change only in ``services.move_status``, which
    # sets ``_status_move`` for the one save that records the move (see workflow.py).
    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        saved_status = getattr(self, "_saved_status", None)
        if (
            not self._state.adding
            and (update_fields is None or "status" in update_fields)
            and saved_status is not None
            and saved_status != self.status
            and not getattr(self, "_status_move", False)
        ):
            raise StatusMoveError(
                "An application's status changes only through assessments.services.move_status."
            )
        super().save(*args, **kwargs)
        self._saved_status, self._status_move = self.status, False

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_status = instance.__dict__.get("status")
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._saved_status = self.__dict__.get("status")


class AppliedService(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="applied_services"
    )
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, verbose_name=_("service"))
    minutes_per_week = models.PositiveIntegerField(
        _("applied minutes per week"), null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "service"], name="one_row_per_applied_service"
            )
        ]
        verbose_name = _("applied service")
        verbose_name_plural = _("applied services")

    def __str__(self):
        return f"{self.service}: {self.minutes_per_week or 0} min"


class JointVisit(Versioned):
    """The joint home visit (gemensamt hembesök) of a case officer and a therapist."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="visits", verbose_name=_("application")
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case officer"),
        on_delete=models.PROTECT,
        related_name="joint_visits_as_case_officer",
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("occupational therapist"),
        on_delete=models.PROTECT,
        related_name="joint_visits_as_therapist",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.BOOKED
    )
    # What the joint visit found (kartläggning); filled in by the therapist.
    # A visit the case officer could not join is the therapist's own assessment, not a
    # joint one (the reports count joint assessments).
    case_officer_attended = models.BooleanField(
        _("the case officer took part"),
        default=True,
        help_text=_("Untick when the therapist assessed alone."),
    )
    other_participants = models.CharField(
        _("other participants"),
        max_length=300,
        blank=True,
        help_text=_("Besides the case officer and the therapist, e.g. the citizen's daughter."),
    )
    housing = models.TextField(_("housing"), blank=True, max_length=2000)
    stairs = models.TextField(_("stairs and entrance"), blank=True, max_length=2000)
    bathroom = models.TextField(_("bathroom"), blank=True, max_length=2000)
    assistive_devices = models.TextField(
        _("assistive devices already in the home"), blank=True, max_length=2000
    )
    network = models.TextField(_("network"), blank=True, max_length=2000)
    measures_agreed = models.TextField(_("measures agreed"), blank=True, max_length=4000)
    potential_for_independence = models.BooleanField(
        _("potential for independence"), null=True, blank=True
    )
    potential_reasoning = models.TextField(
        _("reasoning about the potential"), blank=True, max_length=4000
    )
    motivated_to_train = models.BooleanField(_("motivated to train"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_at"]
        verbose_name = _("joint home visit")
        verbose_name_plural = _("joint home visits")
        indexes = [models.Index(fields=["therapist", "scheduled_at"])]

    def __str__(self):
        return f"{self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE


class VisitDraft(models.Model):
    """What one user has typed into the joint visit's form and not saved yet, kept while they
    type so that nothing is lost; deleted when the visit is saved. Not part of the record."""

    visit = models.ForeignKey(JointVisit, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The form's fields as typed (strings), by field name.
    data = models.JSONField(default=dict)
    # The visit's version the user started from: a draft of an older version is not restored.
    base_version = models.PositiveIntegerField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "user"], name="one_visit_draft_per_user")
        ]

    def __str__(self):
        return f"draft {self.visit_id} {self.user_id}"


class LifeArea(models.Model):
    """IBIC life areas (livsområden), edited by the system administrator."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    icf_code = models.CharField(
        _("ICF code"),
        max_length=10,
        blank=True,
        help_text=_("E.g. d5; empty for an area without one."),
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("life area")
        verbose_name_plural = _("life areas")

    def __str__(self):
        return self.name


class RelatedFactor(models.Model):
    """Related factors (relaterade faktorer) such as body functions, edited by the system
    administrator."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    icf_code = models.CharField(_("ICF code"), max_length=10, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("related factor")
        verbose_name_plural = _("related factors")

    def __str__(self):
        return self.name


class VisitRelatedFactor(models.Model):
    """A related factor described at a joint visit."""

    visit = models.ForeignKey(JointVisit, on_delete=models.CASCADE, related_name="related_factors")
    factor = models.ForeignKey(
        RelatedFactor, on_delete=models.PROTECT, verbose_name=_("related factor")
    )
    description = models.TextField(_("description"), max_length=4000)

    class Meta:
        ordering = ["factor__sort_order", "factor__name"]
        verbose_name = _("related factor of the visit")
        verbose_name_plural = _("related factors of the visit")
        constraints = [
            models.UniqueConstraint(fields=["visit", "factor"], name="one_related_factor_per_visit")
        ]

    def __str__(self):
        return str(self.factor)


class NeedAssessment(models.Model):
    """The needs analysis of one life area at a joint visit."""

    visit = models.ForeignKey(JointVisit, on_delete=models.CASCADE, related_name="needs")
    life_area = models.ForeignKey(LifeArea, on_delete=models.PROTECT, verbose_name=_("life area"))
    need = models.TextField(_("need"), max_length=2000)

    class Meta:
        ordering = ["life_area__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "life_area"], name="one_need_per_life_area")
        ]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self):
        return str(self.life_area)


class Goal(models.Model):
    """A goal in the citizen's own words; followed up later."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal in the citizen's words"), max_length=500)
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("life area")
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.text


class InstrumentResult(models.Model):
    """One scored instrument, stored with the instrument's version and protocol variant.

    ``answers`` holds item codes and levels only (never licensed item wording).
    """

    class Occasion(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        FOLLOW_UP = "follow_up", _("Follow-up")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="instrument_results"
    )
    instrument = models.CharField(_("instrument"), max_length=20)
    version = models.CharField(_("instrument version"), max_length=60)
    variant = models.CharField(_("protocol variant"), max_length=60, blank=True)
    occasion = models.CharField(
        max_length=20, choices=Occasion.choices, default=Occasion.ASSESSMENT
    )
    answers = models.JSONField(default=dict)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=1, null=True)
    score_text = models.CharField(_("score"), max_length=40, blank=True)
    flag = models.BooleanField(default=False)
    interpretation = models.CharField(_("interpretation"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]
        indexes = [models.Index(fields=["application", "instrument"])]
        verbose_name = _("instrument result")
        verbose_name_plural = _("instrument results")

    def __str__(self):
        return f"{self.instrument} {self.score_text}"


class AssessmentBasis(Versioned):
    """Bedömningsunderlag: the therapist's report back to the case officer."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="assessment_basis"
    )
    summary = models.TextField(_("summary of the assessment"), max_length=6000)
    recommended_measures = models.TextField(_("recommended measures"), max_length=4000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment basis")
        verbose_name_plural = _("assessment bases")

    def __str__(self):
        return f"basis {self.application_id}"


class LegalBasis(models.Model):
    """The legal provisions (lagrum) a decision may rest on, edited by the administrator."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Only active provisions are offered for new decisions."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self):
        return self.name


class Decision(Versioned):
    """The case officer's decision: granted services and, where used, needs levels."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision"
    )
    decided_on = models.DateField(_("decision date"))
    level_before = models.PositiveSmallIntegerField(_("needs level before"), null=True, blank=True)
    level_after = models.PositiveSmallIntegerField(_("needs level after"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # A decision before the joint visit (or before the assessment basis) is an urgent one
    # (brådskande beslut) and says why; see workflow.RECORD_DECISION.
    urgent_reason = models.TextField(
        _("reason for an urgent decision"), blank=True, max_length=2000
    )
    # Required by ``services.decision_record``; empty only on decisions recorded before
    # the legal basis was kept.
    legal_basis = models.ForeignKey(
        LegalBasis,
        verbose_name=_("legal basis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # What was decided per service, in words, so that the change history shows a change of
    # the granted minutes (the lines themselves are replaced on every save).
    granted_summary = models.TextField(_("granted services"), blank=True, max_length=4000)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="decision_valid_until_after_valid_from",
            )
        ]

    def __str__(self):
        return f"decision {self.decided_on:%Y-%m-%d}"


class GrantedService(models.Model):
    """What the decision says about one applied service: granted, partly granted (fewer
    minutes than applied) or refused (no minutes), with the reason for anything less."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        PARTLY_GRANTED = "partly_granted", _("Partly granted")
        REFUSED = "refused", _("Refused")

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="granted_services"
    )
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, verbose_name=_("service"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.GRANTED
    )
    minutes_per_week = models.PositiveIntegerField(
        _("granted minutes per week"), null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "service"], name="one_row_per_granted_service"
            )
        ]
        verbose_name = _("granted service")
        verbose_name_plural = _("granted services")

    def __str__(self):
        return f"{self.service}: {self.minutes_per_week or 0} min"


class ImportJob(models.Model):
    """A large import running in the background: who started it, how far it has come and
    what it saved. It holds counts only; the rows are in the stored upload until the job
    has read them."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        CHECK = "check", _("Check")
        IMPORT = "import", _("Import")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    upload_path = models.CharField(max_length=200)
    only_valid = models.BooleanField(default=False)
    language = models.CharField(max_length=10, default="sv")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    created_citizens = models.PositiveIntegerField(default=0)
    created_applications = models.PositiveIntegerField(default=0)
    skipped_duplicates = models.PositiveIntegerField(default=0)
    invalid_rows = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Renewed every few seconds while a worker runs the job (``rehab.jobs.heartbeat``); a
    # running import whose heartbeat has stopped lost its worker and is sent again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # A check (the dry run of a large file) or an import. A check's findings, in the job's
    # language: counts, the file's problems and the first row errors; never a row's values.
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IMPORT)
    check_report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self):
        return f"import {self.public_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def progress(self) -> int:
        """Per cent of the rows saved."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.done_rows * 100 // self.total_rows)
