"""IBIC-based systematic follow-up studies: a sample of the team's cases with a granted
service, and three fixed questionnaires answered per sampled case.

Questionnaires are versioned: a study pins the version of each questionnaire it uses, and
an edit of a question in use makes a new version (``services.question_revise``), so the
answers of an earlier study keep pointing at the questions and options they answered.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Application, LifeArea, ServiceType
from rehab.models import Team


class Respondent(models.TextChoices):
    CASE_OFFICER = "case_officer", _("Case officer")
    PROVIDER = "provider", _("Provider's contact person")
    CITIZEN = "citizen", _("Citizen")


class Questionnaire(models.Model):
    """One version of the questionnaire for one respondent."""

    respondent = models.CharField(_("respondent"), max_length=20, choices=Respondent.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["respondent", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "version"], name="one_questionnaire_per_version"
            )
        ]

    def __str__(self):
        return f"{self.title} ({_('version')} {self.version})"


class Question(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("Fixed answer options")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="questions"
    )
    # The same question keeps its key from one version to the next.
    key = models.SlugField(_("key"), max_length=40)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHOICE)
    text_prompt = models.CharField(
        _("free-text prompt"),
        max_length=200,
        blank=True,
        help_text=_("Asks for a free text beside the option, e.g. “If not, why?”."),
    )
    life_area = models.ForeignKey(
        LifeArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("life area"),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["questionnaire", "sort_order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "key"], name="one_question_per_key_and_version"
            )
        ]

    def __str__(self):
        return self.text


class AnswerOption(models.Model):
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="options")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("answer option"), max_length=150)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["question", "sort_order", "pk"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="one_option_per_code")
        ]

    def __str__(self):
        return self.label


class Study(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    service = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="studies", verbose_name=_("team")
    )
    sampling_day = models.DateField(_("sampling day"))
    min_months = models.PositiveSmallIntegerField(_("ongoing at least (months)"), default=3)
    max_months = models.PositiveSmallIntegerField(_("ongoing at most (months)"), default=24)
    sample_size = models.PositiveIntegerField(_("random sample of"), null=True, blank=True)
    seed = models.PositiveIntegerField(_("seed"))
    case_officer_questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="+"
    )
    provider_questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="+"
    )
    citizen_questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    drawn_at = models.DateTimeField(_("sample drawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("follow-up study")
        verbose_name_plural = _("follow-up studies")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_months__gte=models.F("min_months")),
                name="study_max_months_not_below_min",
            )
        ]

    def __str__(self):
        return self.name

    def questionnaire_for(self, respondent: str) -> Questionnaire:
        return {
            Respondent.CASE_OFFICER: self.case_officer_questionnaire,
            Respondent.PROVIDER: self.provider_questionnaire,
            Respondent.CITIZEN: self.citizen_questionnaire,
        }[Respondent(respondent)]


class SampledCase(models.Model):
    """One case drawn into a study: its granted service of the study's type was ongoing
    between the study's bounds on the sampling day."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="sampled_cases")
    # The name lets the register extract reach a citizen's answers (assessments may not
    # import this app).
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="study_samples"
    )
    service_start = models.DateField(_("service ongoing since"))
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["study", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "application"], name="one_sampled_case_per_application"
            )
        ]

    def __str__(self):
        return f"{self.study} #{self.position}"


class NonResponseReason(models.TextChoices):
    DEMENTIA = "dementia", _("Cannot be interviewed because of dementia")
    DECLINED = "declined", _("Declines")
    NOT_REACHED = "not_reached", _("Cannot be reached")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Something else")


class Response(models.Model):
    """One respondent's answers for one sampled case, or the non-response and its reason."""

    class Status(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        NON_RESPONSE = "non_response", _("Non-response")

    sampled_case = models.ForeignKey(
        SampledCase, on_delete=models.CASCADE, related_name="responses"
    )
    respondent = models.CharField(max_length=20, choices=Respondent.choices)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    non_response_reason = models.CharField(
        _("reason for the non-response"),
        max_length=20,
        choices=NonResponseReason.choices,
        blank=True,
    )
    non_response_text = models.CharField(_("other reason"), max_length=300, blank=True)
    respondent_name = models.CharField(_("respondent's name"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sampled_case", "respondent"], name="one_response_per_respondent"
            )
        ]

    def __str__(self):
        return f"{self.get_respondent_display()}: {self.get_status_display()}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self):
        return f"{self.question}: {self.option or self.text[:40]}"
