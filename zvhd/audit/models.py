"""The access log (NEN 7513): one append-only record per create, read, update, delete or export.

Records name people by id only; no free-text case content, secrets or tokens ever go in here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    WGS = "wgs", _("WGS")
    PARTA = "parta", _("Wet parta")
    CONSENT = "consent", _("consent")
    NONE = "none", _("none")


class AppendOnlyQuerySet(models.QuerySet):
    """The application never changes or removes log records (on PostgreSQL a trigger refuses it too)."""

    def update(self, **kwargs: object) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "C", _("create")
        READ = "R", _("read")
        UPDATE = "U", _("update")
        DELETE = "D", _("delete")
        EXPORT = "E", _("export")

    class Result(models.TextChoices):
        ALLOWED = "allowed", _("allowed")
        DENIED = "denied", _("denied")

    class DataCategory(models.TextChoices):
        IDENTIFYING = "identifying", _("identifying data")
        REFERRAL = "referral", _("referral data")
        CASE_FILE = "case_file", _("case file")
        STATISTICS = "statistics", _("figures without personal data")

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Role and organisation as they were at the time: both may change later.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=32, blank=True)
    actor_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=1, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    # Plain ids, not foreign keys: the log outlives the records it describes.
    case_id = models.BigIntegerField(_("case id"), null=True, blank=True, db_index=True)
    data_category = models.CharField(_("data category"), max_length=20, choices=DataCategory.choices)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.ALLOWED)
    emergency = models.BooleanField(_("emergency access"), default=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=10, choices=LegalBasis.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    # The hash chain: every record carries the hash of the one before, so an edited, removed or
    # inserted record breaks the chain from there on (see zvhd/audit/chain.py).
    sequence = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    previous_hash = models.CharField(_("hash of the previous record"), max_length=64)
    record_hash = models.CharField(_("hash of this record"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["actor", "occurred_at"], name="audit_actor_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type}"


class AuditSubject(models.Model):
    """A person whose data the audited action touched: the basis of 'who looked at my data'."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="subjects")
    person_id = models.BigIntegerField(_("person id"), db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audited person")
        verbose_name_plural = _("audited persons")
        constraints = [models.UniqueConstraint(fields=["event", "person_id"], name="audit_subject_once")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.person_id}"


class AuditChainHead(models.Model):
    """The end of the chain: the last sequence number and hash. Its row lock orders concurrent writers."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_sequence}"


class AuditChainCheck(models.Model):
    """The outcome of one verification of the whole chain."""

    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    intact = models.BooleanField(_("intact"))
    records = models.PositiveBigIntegerField(_("records checked"))
    first_broken_sequence = models.PositiveBigIntegerField(_("first broken record"), null=True, blank=True)
    problem = models.CharField(_("problem"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit chain check")
        verbose_name_plural = _("audit chain checks")
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'broken'}"
