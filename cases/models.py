"""The case file: one `Case` for every kind of work, from the referral onward.

A case has one or more subjects (persons, one of them the main subject), the referral that started
it, and a timeline of events. Triage, aftercare and advice hang their own records on it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from cases.validators import validate_bsn
from cases.workflow import CaseStatus
from zvhd.audit.models import LegalBasis


class Case(models.Model):
    class Kind(models.TextChoices):
        UNDECIDED = "undecided", _("not yet decided")
        COORDINATION = "coordination", _("process coordination")
        EXTENDED_ADVICE = "extended_advice", _("extended advice")
        AFTERCARE = "aftercare", _("aftercare")

    class Intensity(models.TextChoices):
        INTENSIVE = "intensive", _("tailored")
        PERSON_CENTRED = "person_centred", _("person-centred approach (PGA)")

    class ClosureReason(models.TextChoices):
        GOAL_ACHIEVED = "goal_achieved", _("goal achieved")
        HANDED_OVER = "handed_over", _("handed over")
        STOPPED = "stopped", _("stopped")
        OTHER = "other", _("other")

    number = models.CharField(_("case number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNDECIDED)
    intensity = models.CharField(_("intensity"), max_length=20, choices=Intensity.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED, db_index=True
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=10, choices=LegalBasis.choices, default=LegalBasis.WGS
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_cases",
        verbose_name=_("process coordinator"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closure"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    # Optimistic concurrency: every change bumps the version; a save based on an old version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="case_newest_first")]
        # Object permissions, granted and revoked only by cases/access.py, one per ground of access.
        permissions = [
            ("view_case_as_participant", _("Can see the case as a participant")),
            ("view_case_on_agenda", _("Can see the case as a liaison while it is on his meeting's agenda")),
            ("view_case_emergency", _("Can see the case through emergency access")),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("case-detail", kwargs={"pk": self.pk})


class CaseNumberCounter(models.Model):
    """The last case number handed out per year; incremented under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Person(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")
        OTHER = "other", _("other")
        UNKNOWN = "unknown", _("unknown")

    first_name = models.CharField(_("first name"), max_length=100)
    name_prefix = models.CharField(_("name prefix"), max_length=20, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True, validators=[validate_bsn])
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(fields=["bsn"], condition=~Q(bsn=""), name="person_bsn_unique"),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"], name="person_name")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.name_prefix, self.last_name) if part)

    def age_on(self, day: date) -> int | None:
        """Age in whole years on `day`; None when the date of birth is unknown."""
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def bsn_masked(self) -> str:
        """Shown in screens: only the last three digits, as privacy.md asks."""
        return f"******{self.bsn[-3:]}" if self.bsn else ""


class Subject(models.Model):
    """A person in a case. The main subject (hoofdpersoon) decides the case's municipality and age."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects", verbose_name=_("case"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("person")
    )
    is_primary = models.BooleanField(_("main subject"), default=False)
    municipality = models.ForeignKey(
        "reference.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality of registration"),
    )
    relation = models.CharField(
        _("relation to the main subject"),
        max_length=100,
        blank=True,
        help_text=_("For example: mother, son."),
    )

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="subject_person_once_per_case"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_primary=True), name="subject_one_primary_per_case"
            ),
        ]
        indexes = [models.Index(fields=["case", "is_primary"], name="subject_case_primary")]

    def __str__(self) -> str:
        return str(self.person)


class Referral(models.Model):
    """The aanmelding: what a partner asked of the bureau, about whom, and why."""

    class MinorsInSystem(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        UNKNOWN = "unknown", _("unknown")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="referral")
    received_on = models.DateField(_("date received"), db_index=True)
    referrer_partner = models.ForeignKey(
        "reference.Partner",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referring partner"),
    )
    referrer_name = models.CharField(_("name of the referrer"), max_length=200)
    referrer_role = models.CharField(_("job title"), max_length=200, blank=True)
    referrer_phone = models.CharField(_("phone number"), max_length=30, blank=True)
    referrer_email = models.EmailField(_("e-mail address"), blank=True)
    concerns = models.TextField(_("description of the concerns"))
    main_topic = models.ForeignKey(
        "reference.MainTopic", on_delete=models.PROTECT, related_name="+", verbose_name=_("main topic")
    )
    problem_areas = models.ManyToManyField(
        "reference.ProblemArea", blank=True, related_name="+", verbose_name=_("problem areas")
    )
    cross_border = models.ManyToManyField(
        "reference.CrossBorderScope", blank=True, related_name="+", verbose_name=_("cross-border aspects")
    )
    minors_in_system = models.CharField(
        _("minors in the system"),
        max_length=10,
        choices=MinorsInSystem.choices,
        default=MinorsInSystem.UNKNOWN,
    )
    subject_informed = models.BooleanField(_("subject informed about the referral"))
    subject_not_informed_reason = models.TextField(_("reason the subject was not informed"), blank=True)
    acceptance_criteria = models.ManyToManyField(
        "reference.AcceptanceCriterion",
        blank=True,
        related_name="+",
        verbose_name=_("acceptance criteria met"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_informed=True) | ~Q(subject_not_informed_reason=""),
                name="referral_not_informed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(referrer_phone="") | ~Q(referrer_email=""),
                name="referral_referrer_reachable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}"


class CaseEvent(models.Model):
    """One entry of the case timeline (logboek)."""

    class Kind(models.TextChoices):
        REFERRAL_REGISTERED = "referral_registered", _("Referral registered")
        REFERRAL_UPDATED = "referral_updated", _("Referral updated")
        STATUS_CHANGED = "status_changed", _("Status changed")
        PARTICIPANT_ADDED = "participant_added", _("Participant added")
        PARTICIPANT_ENDED = "participant_ended", _("Participation ended")
        EMERGENCY_ACCESS = "emergency_access", _("Emergency access used")
        CASE_CLOSED = "case_closed", _("Case closed")
        AGENDA_ADDED = "agenda_added", _("Placed on the agenda")
        AGENDA_MOVED = "agenda_moved", _("Moved to another meeting")
        AGENDA_REMOVED = "agenda_removed", _("Taken off the agenda")
        TRIAGE_DECIDED = "triage_decided", _("Triage decision")
        FEEDBACK_SENT = "feedback_sent", _("Feedback sent to the referrer")
        RANK_SET = "rank_set", _("Waiting list rank set by hand")
        REFERRER_CONTACT = "referrer_contact", _("Contact with the referrer")
        COORDINATOR_ASSIGNED = "coordinator_assigned", _("Process coordinator assigned")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    occurred_at = models.DateTimeField(_("at"), default=timezone.now)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="caseevent_case_time")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def detail(self) -> str:
        """A short line for the timeline, in the interface language: what changed."""
        if self.kind == self.Kind.STATUS_CHANGED and {"from", "to"} <= self.payload.keys():
            return f"{CaseStatus(self.payload['from']).label} → {CaseStatus(self.payload['to']).label}"
        if self.kind == self.Kind.REFERRAL_UPDATED and self.payload.get("fields"):
            names = [str(Referral._meta.get_field(name).verbose_name) for name in self.payload["fields"]]
            return ", ".join(names)
        return str(self.payload.get("summary", ""))


class CaseUserObjectPermission(UserObjectPermissionBase):
    """A user's object permission on one case (django-guardian, direct foreign key).

    Rows are written only by cases/access.py. The period says on which days the grant counts: a
    participation or an agenda item has one, and the access checks compare it with today.
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="user_grants")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("case permission")
        verbose_name_plural = _("case permissions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.permission_id} {self.content_object_id}"


class Participant(models.Model):
    """A professional invited to take part in one case (deelnemer), for a period."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="participants", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        "reference.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role_in_case = models.CharField(_("role in the case"), max_length=100)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=10, choices=LegalBasis.choices, default=LegalBasis.WGS
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="participant_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role_in_case})"

    def is_current_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class EmergencyAccess(models.Model):
    """Access to a case outside one's rights (noodtoegang): with a reason, flagged, reviewed afterwards."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="emergency_accesses", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["reviewed_at", "opened_at"], name="emergency_review_queue")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.user_id} {self.opened_at:%Y-%m-%d}"
