"""Aftercare of (ex-)detainees (nazorg): detention notices, consent, information per source, the five
basic conditions, release tasks and outreach guidance.

An aftercare case is a `cases.Case` of kind aftercare run by the nazorgcoördinator (its coordinator), so
the case spine and the access layer apply unchanged: a partner who takes part in someone's procesregie
case does not see that person's aftercare case. `AftercareFile` holds what only aftercare has.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Person


class DetentionKind(models.TextChoices):
    DETENTION = "detention", _("detention")
    SELF_REPORTER = "self_reporter", _("self-reporter awaiting call-up")


class Consent(models.TextChoices):
    UNKNOWN = "unknown", _("not yet asked")
    GIVEN = "given", _("accepts help")
    REFUSED = "refused", _("does not want aftercare")


class ConsentChannel(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone")
    CASE_MANAGER = "case_manager", _("through the prison case manager")
    LETTER = "letter", _("by letter")


class AftercareFile(models.Model):
    """What an aftercare case holds besides the case spine; one per aftercare case."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="aftercare", verbose_name=_("case")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="aftercare_files", verbose_name=_("person")
    )
    municipality = models.ForeignKey(
        "reference.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    consent = models.CharField(_("consent"), max_length=10, choices=Consent.choices, default=Consent.UNKNOWN)
    consent_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    consent_channel = models.CharField(_("how"), max_length=20, choices=ConsentChannel.choices, blank=True)
    consent_note = models.TextField(_("note on consent"), blank=True)
    expected_release_on = models.DateField(_("expected release"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    # The referral for procesregie this case was escalated to (one step, linked both ways).
    escalated_to = models.OneToOneField(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalated_from_aftercare",
        verbose_name=_("escalated to procesregie as"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("aftercare file")
        verbose_name_plural = _("aftercare files")

    def __str__(self) -> str:
        return str(self.case)


class ImportBatch(models.Model):
    """One CSV file of detention notices, as tried (dry run) or imported."""

    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    dry_run = models.BooleanField(_("dry run"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("import of detention notices")
        verbose_name_plural = _("imports of detention notices")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class ImportRow(models.Model):
    """What became of one row of an import: created, updated, unchanged or rejected and why.

    Holds no personal data: the line number, the DJI reference and a message that names fields, not
    people."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        UNCHANGED = "unchanged", _("unchanged")
        REJECTED = "rejected", _("rejected")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="results")
    line = models.PositiveIntegerField(_("line"))
    reference = models.CharField(_("DJI reference"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["batch", "line"]

    def __str__(self) -> str:
        return f"{self.line}: {self.outcome}"


class DetentionNotice(models.Model):
    """A detention notice (detentiemelding) from DJI on one of the case's detentions."""

    aftercare = models.ForeignKey(
        AftercareFile, on_delete=models.CASCADE, related_name="notices", verbose_name=_("aftercare case")
    )
    reference = models.CharField(_("DJI reference"), max_length=64, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=DetentionKind.choices)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    detention_start = models.DateField(_("start of detention"), null=True, blank=True)
    expected_release = models.DateField(_("expected release"), null=True, blank=True)
    received_on = models.DateField(_("received on"))
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported in"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("detention notice")
        verbose_name_plural = _("detention notices")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["received_on"], name="notice_received")]

    def __str__(self) -> str:
        return self.reference


class InformationSource(models.TextChoices):
    DJI = "dji", _("DJI")
    PROBATION = "probation", _("probation service")
    MUNICIPALITY = "municipality", _("municipality")


class AftercareInformation(models.Model):
    """Information gathered for the aftercare from one source (need-to-know: only what the aftercare
    needs)."""

    aftercare = models.ForeignKey(
        AftercareFile, on_delete=models.CASCADE, related_name="information", verbose_name=_("aftercare case")
    )
    source = models.CharField(_("source"), max_length=20, choices=InformationSource.choices)
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("information"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("information from a source")
        verbose_name_plural = _("information from sources")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.received_on:%d-%m-%Y}"


class ConditionKind(models.TextChoices):
    """The five basic conditions (basisvoorwaarden), in the order the board shows them."""

    ID = "id", _("valid ID")
    HOUSING = "housing", _("housing")
    INCOME = "income", _("income or day activity")
    DEBTS = "debts", _("debts")
    CARE = "care", _("care")


class ConditionState(models.TextChoices):
    UNKNOWN = "unknown", _("unknown")
    IN_ORDER = "in_order", _("in order")
    ATTENTION = "attention", _("needs attention")
    NOT_IN_ORDER = "not_in_order", _("not in order")


class BasicCondition(models.Model):
    """One of the five basic conditions of a case: its state at intake, at release and three months
    after release."""

    aftercare = models.ForeignKey(
        AftercareFile, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("aftercare case")
    )
    kind = models.CharField(_("basic condition"), max_length=10, choices=ConditionKind.choices)
    at_intake = models.CharField(
        _("at intake"), max_length=15, choices=ConditionState.choices, default=ConditionState.UNKNOWN
    )
    intake_note = models.TextField(_("situation at intake"), blank=True)
    at_release = models.CharField(
        _("at release"), max_length=15, choices=ConditionState.choices, default=ConditionState.UNKNOWN
    )
    release_note = models.TextField(_("situation at release"), blank=True)
    after_three_months = models.CharField(
        _("three months after release"),
        max_length=15,
        choices=ConditionState.choices,
        default=ConditionState.UNKNOWN,
    )
    after_note = models.TextField(_("situation three months after release"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("basic condition")
        verbose_name_plural = _("basic conditions")
        constraints = [models.UniqueConstraint(fields=["aftercare", "kind"], name="condition_once_per_case")]

    def __str__(self) -> str:
        return self.get_kind_display()


class ConditionAction(models.Model):
    """An action agreed on a basic condition: what, who, by when."""

    condition = models.ForeignKey(
        BasicCondition, on_delete=models.CASCADE, related_name="actions", verbose_name=_("basic condition")
    )
    what = models.TextField(_("what"))
    owner_partner = models.ForeignKey(
        "reference.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation responsible"),
    )
    owner_name = models.CharField(_("person responsible"), max_length=200, blank=True)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("agreed by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("action on a basic condition")
        verbose_name_plural = _("actions on basic conditions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.what


class ReleaseTaskKind(models.TextChoices):
    """The tasks the expected release date sets, with their offset in days from release."""

    CONTACT_BEFORE = "contact_before", _("contact six weeks before release")
    CONDITIONS_CHECK = "conditions_check", _("basic conditions ready two weeks before release")
    CHECK_IN = "check_in", _("check-in the week after release")
    THREE_MONTHS = "three_months", _("basic conditions three months after release")


class ReleaseTask(models.Model):
    aftercare = models.ForeignKey(
        AftercareFile, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("aftercare case")
    )
    kind = models.CharField(_("task"), max_length=20, choices=ReleaseTaskKind.choices)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("release task")
        verbose_name_plural = _("release tasks")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["aftercare", "kind"], name="release_task_once")]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="release_task_open")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class GuidanceEpisode(models.Model):
    """Outreach guidance (trajectbegeleiding) when regular aftercare falls short."""

    aftercare = models.ForeignKey(
        AftercareFile, on_delete=models.CASCADE, related_name="guidance", verbose_name=_("aftercare case")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("guidance worker"),
    )
    reason = models.TextField(_("why regular aftercare falls short"))
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_note = models.TextField(_("result"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )

    class Meta:
        verbose_name = _("guidance episode")
        verbose_name_plural = _("guidance episodes")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["aftercare"], condition=Q(ended_on__isnull=True), name="one_open_guidance_episode"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.started_on:%d-%m-%Y}"


class GuidanceGoal(models.Model):
    episode = models.ForeignKey(
        GuidanceEpisode, on_delete=models.CASCADE, related_name="goals", verbose_name=_("guidance episode")
    )
    description = models.TextField(_("goal"))
    achieved = models.BooleanField(_("achieved"), default=False)

    class Meta:
        verbose_name = _("guidance goal")
        verbose_name_plural = _("guidance goals")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class GuidanceContact(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("visit")
        PHONE = "phone", _("phone")
        OUTREACH = "outreach", _("outreach (on the street)")
        WITH_PARTNER = "with_partner", _("together with a partner")

    episode = models.ForeignKey(
        GuidanceEpisode, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("guidance episode")
    )
    contacted_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("guidance contact")
        verbose_name_plural = _("guidance contacts")
        ordering = ["-contacted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.contacted_on:%d-%m-%Y}"
