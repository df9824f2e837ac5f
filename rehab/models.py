from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class Team(models.Model):
    """A group of staff who share cases (a case officer unit, a rehab team)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class User(AbstractUser):
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    # The identity provider's stable identifier of the person (the claim named by
    # OIDC_ID_CLAIM: the subject, or e.g. an HSA-id); single sign-on matches on this alone,
    # never on the e-mail address (rehab/sso.py, ADR 0018).
    sso_subject = models.CharField(
        _("identifier at the identity provider"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username


class WorkerHeartbeat(models.Model):
    """A round trip through the broker: the web side writes a row, a worker stamps it."""

    requested_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"heartbeat {self.pk}"


# The rows the review's "only flagged entries" shows (ADR 0014).
FLAGGED_ACCESS = models.Q(protected_identity=True) | models.Q(outside_team=True)


class AccessLogEntry(models.Model):
    """Append-only record of a read or change of a citizen's data (logguppföljning).

    The citizen is named by a pseudonymous id, not a foreign key, so the log outlives
    the case records it describes.
    """

    class Action(models.TextChoices):
        READ = "read", _("Read")
        LIST = "list", _("Shown in a list")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        EXPORT = "export", _("Exported")
        CHECK = "check", _("Found already registered")
        GRANT = "grant", _("Granted access to the name")
        REVOKE = "revoke", _("Revoked access to the name")
        PROTECT = "protect", _("Protected identity set")
        UNPROTECT = "unprotect", _("Protected identity lifted")

    at = models.DateTimeField(auto_now_add=True)
    # Found through the (user, at, id) index; no index of its own.
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", db_index=False)
    roles = models.CharField(max_length=100)
    citizen_ref = models.UUIDField(db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    view = models.CharField(max_length=100)
    # Why: the view's purpose in plain words (rehab.accesslog.purpose_of), and the reason
    # the user gave where the view asks for one (a grant, a protection change, an export).
    purpose = models.CharField(max_length=200, blank=True, default="")
    reason = models.CharField(max_length=300, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # What the review flags, as it stood when the row was written (ADR 0014): the citizen's
    # identity was protected; the citizen was not of the user's team (or the user had none).
    protected_identity = models.BooleanField(default=False)
    outside_team = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        # On PostgreSQL the table is partitioned by month of ``at`` and its primary key is
        # (id, at) (migration 0006, ADR 0014); ``id`` alone is unique, from one sequence.
        indexes = [
            models.Index(fields=["at", "id"], name="rehab_accesslog_at_id"),
            models.Index(fields=["user", "at", "id"], name="rehab_accesslog_user_at_id"),
            models.Index(
                fields=["at", "id"],
                condition=FLAGGED_ACCESS,
                name="rehab_accesslog_flagged",
            ),
            models.Index(
                fields=["user", "at", "id"],
                condition=FLAGGED_ACCESS,
                name="rehab_accesslog_user_flagged",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.citizen_ref}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Access log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Access log entries cannot be deleted.")


class ClaimMapping(models.Model):
    """What one value of the identity provider's group claims gives a user at each single
    sign-on: a role, a team or both (rehab/sso.py). Kept by the system administrator."""

    value = models.CharField(
        _("value at the identity provider"),
        max_length=200,
        unique=True,
        help_text=_("A group or attribute value exactly as the identity provider sends it."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True
    )

    class Meta:
        ordering = ["value"]
        verbose_name = _("role from the identity provider")
        verbose_name_plural = _("roles from the identity provider")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="") | models.Q(team__isnull=False),
                name="claim_mapping_gives_role_or_team",
            )
        ]

    def __str__(self):
        return self.value


class SignInEvent(models.Model):
    """Append-only record of a single sign-on: a login, a refusal, a change of roles, a
    logout. ``user`` is empty for a refusal of someone who has no account here; ``name``
    is what the provider called them. No personnummer: a subject that is one is not kept."""

    class Event(models.TextChoices):
        LOGIN = "login", _("Logged in")
        REFUSED = "refused", _("Login refused")
        ROLES_CHANGED = "roles", _("Roles changed")
        LOGOUT = "logout", _("Logged out")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(_("identifier at the identity provider"), max_length=255)
    name = models.CharField(_("name"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on event")
        verbose_name_plural = _("single sign-on events")
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.subject}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Sign-in events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Sign-in events cannot be deleted.")
