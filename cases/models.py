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
        NO_AFTERCARE_WANTED = "no_aftercare", _("no aftercare wanted")
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
    # The day the decision that gave the case its kind was taken (the triage meeting's date); the
    # figures of a year count decided cases by it. Empty while undecided, and for cases that came in
    # without a decision here (imported, transferred).
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closure"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closure_evaluation = models.TextField(_("evaluation"), blank=True)
    labels = models.ManyToManyField(
        "reference.CaseLabel", blank=True, related_name="+", verbose_name=_("labels")
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
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name"),
            # Matching a detention notice to a known person without BSN: date of birth, then the names.
            models.Index(fields=["date_of_birth"], name="person_birth"),
        ]

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
        SYSTEM_MEMBER_ADDED = "system_member_added", _("Person in the system added")
        SYSTEM_MEMBER_REMOVED = "system_member_removed", _("Person in the system removed")
        PLAN_CHANGED = "plan_changed", _("Action plan changed")
        AGREEMENT_ADDED = "agreement_added", _("Agreement made")
        AGREEMENT_DONE = "agreement_done", _("Agreement done")
        AGREEMENT_NOT_DONE = "agreement_not_done", _("Agreement not done")
        AGREEMENT_OVERDUE = "agreement_overdue", _("Agreement overdue")
        ESCALATED = "escalated", _("Escalated")
        ESCALATION_RESOLVED = "escalation_resolved", _("Escalation resolved")
        HANDED_OVER = "handed_over", _("Handed over")
        LABELS_CHANGED = "labels_changed", _("Labels changed")
        ADVICE_GIVEN = "advice_given", _("Advice given")
        MEETING_PLANNED = "meeting_planned", _("Case meeting planned")
        MEETING_HELD = "meeting_held", _("Case meeting held")
        DETENTION_NOTICE = "detention_notice", _("Detention notice received")
        CONSENT_RECORDED = "consent_recorded", _("Consent for aftercare recorded")
        INFORMATION_ADDED = "information_added", _("Information from a source recorded")
        CONDITION_CHANGED = "condition_changed", _("Basic condition changed")
        RELEASE_RECORDED = "release_recorded", _("Release recorded")
        RELEASE_TASK_DONE = "release_task_done", _("Release task done")
        GUIDANCE_STARTED = "guidance_started", _("Guidance started")
        GUIDANCE_ENDED = "guidance_ended", _("Guidance ended")
        ESCALATED_TO_PROCESREGIE = "escalated_to_procesregie", _("Escalated to procesregie")

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


# --- Procesregie: the people around the subjects, the action plan, escalation, handover -------------


class SystemMember(models.Model):
    """Someone in the subjects' system (e.g. a child in the household) who is not a subject of the case.

    Recorded to picture the case and for the 'minors in the system' figure; no person record, no BSN.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="system_members", verbose_name=_("case")
    )
    description = models.CharField(
        _("who"), max_length=200, help_text=_("First name or a description, e.g. 'youngest son'.")
    )
    relation = models.CharField(_("relation to the main subject"), max_length=100)
    is_minor = models.BooleanField(_("minor"), default=False)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("person in the system")
        verbose_name_plural = _("people in the system")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class ActionPlan(models.Model):
    """The integrated action plan (plan van aanpak) for one subject of a case.

    Every change of the plan or its agreements bumps `version` and stores a `PlanRevision` with the whole
    plan as it then was, so earlier versions stay readable.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans", verbose_name=_("case"))
    subject = models.OneToOneField(
        Subject, on_delete=models.CASCADE, related_name="plan", verbose_name=_("subject")
    )
    summary = models.TextField(_("picture of the situation"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-subject__is_primary", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.subject}"


class PlanRevision(models.Model):
    """One stored version of an action plan: its goals and agreements as they were."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("action plan")
    )
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Meta:
        verbose_name = _("version of an action plan")
        verbose_name_plural = _("versions of action plans")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="plan_revision_once")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version}"


class Goal(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    life_domain = models.ForeignKey(
        "reference.LifeDomain", on_delete=models.PROTECT, related_name="+", verbose_name=_("life domain")
    )
    description = models.TextField(_("goal"))
    achieved = models.BooleanField(_("achieved"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class Agreement(models.Model):
    """An agreement (afspraak) under a goal: what, who owns it, by when, and how it ended."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        NOT_DONE = "not_done", _("not done")

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("goal")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("case")
    )  # denormalised from the goal, for the caseload's counts and the daily reminder job
    what = models.TextField(_("what"))
    owner_partner = models.ForeignKey(
        "reference.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner responsible"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_agreements",
        verbose_name=_("person responsible"),
    )
    owner_name = models.CharField(_("person responsible (without an account)"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    not_done_reason = models.TextField(_("reason it was not done"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The day the daily job last reported it overdue: a second run that day notifies nobody again.
    overdue_notified_on = models.DateField(_("overdue reported on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    meeting = models.ForeignKey(
        "CaseMeeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("agreed in the case meeting"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="agreement_open_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_done") | ~Q(not_done_reason=""),
                name="agreement_not_done_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:60]

    def is_overdue_on(self, day: date) -> bool:
        return self.status == self.Status.OPEN and self.due_date < day


class Escalation(models.Model):
    """Opschalen: the case is stuck and goes to a partner's management or the local driehoek."""

    class To(models.TextChoices):
        PARTNER_MANAGEMENT = "partner_management", _("management of a partner")
        DRIEHOEK = "driehoek", _("the local driehoek (mayor, public prosecutor, police)")
        STEERING_GROUP = "steering_group", _("the steering group of the house")
        OTHER = "other", _("other")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("case")
    )
    to = models.CharField(_("escalated to"), max_length=20, choices=To.choices)
    to_detail = models.CharField(_("to whom exactly"), max_length=200, blank=True)
    reason = models.TextField(_("why"))
    ave_before = models.PositiveSmallIntegerField(_("AVE phase before"), null=True, blank=True)
    ave_after = models.PositiveSmallIntegerField(_("AVE phase after"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"))
    outcome = models.TextField(_("outcome"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-escalated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.get_to_display()}"


class Handover(models.Model):
    """Afschalen: procesregie handed to a local party once the case is on track."""

    class To(models.TextChoices):
        CASE_LEAD = "case_lead", _("a case lead (casusregisseur)")
        MUNICIPAL_COORDINATOR = "municipal_coordinator", _("a municipal process coordinator")
        OTHER = "other", _("other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("case"))
    to = models.CharField(_("handed over to"), max_length=30, choices=To.choices)
    receiver_name = models.CharField(_("name of the receiver"), max_length=200)
    receiver_organisation = models.ForeignKey(
        "reference.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation of the receiver"),
    )
    handed_over_on = models.DateField(_("handed over on"))
    note = models.TextField(_("what was handed over"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-handed_over_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.receiver_name}"


class Notification(models.Model):
    """An in-app message to a user (e.g. an agreement is overdue); also sent by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("to")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("case")
    )
    text = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text


# --- Advice --------------------------------------------------------------------------------------------


class AnonymousAdvice(models.Model):
    """An anonymous advice trajectory: a professional asks advice about someone who stays unnamed.

    Holds no personal data by design: no name, BSN or date of birth fields, and the question is checked
    for them before it is saved.
    """

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        MEETING = "meeting", _("in a meeting")

    asked_on = models.DateField(_("date"))
    partner = models.ForeignKey(
        "reference.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by partner")
    )
    municipality = models.ForeignKey(
        "reference.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    main_topic = models.ForeignKey(
        "reference.MainTopic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("main topic"),
    )
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    question = models.TextField(_("question, without personal data"))
    advice = models.TextField(_("advice given"))
    minutes_spent = models.PositiveIntegerField(_("minutes spent"), default=0)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("given by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("anonymous advice")
        verbose_name_plural = _("anonymous advice")
        ordering = ["-asked_on", "-id"]
        indexes = [models.Index(fields=["asked_on"], name="anonymous_advice_day")]

    def __str__(self) -> str:
        return f"{self.asked_on} {self.partner}"


class InformationContact(models.Model):
    """A contact moment of the information desk (informatieknooppunt): connecting professionals."""

    contacted_on = models.DateField(_("date"))
    partner = models.ForeignKey(
        "reference.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    topic = models.CharField(_("topic"), max_length=200)
    minutes_spent = models.PositiveIntegerField(_("minutes spent"), default=5)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("information desk contact")
        verbose_name_plural = _("information desk contacts")
        ordering = ["-contacted_on", "-id"]
        indexes = [models.Index(fields=["contacted_on"], name="information_contact_day")]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.topic}"


class CaseMeeting(models.Model):
    """A case meeting (maatwerkoverleg): planned with invited participants and an agenda; held with
    attendance, minutes and decisions that become agreements of the action plan."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("case"))
    starts_at = models.DateTimeField(_("date and time"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    held = models.BooleanField(_("held"), default=False)
    minutes_final_at = models.DateTimeField(_("minutes final at"), null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("case meeting")
        verbose_name_plural = _("case meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["case", "starts_at"], name="case_meeting_case_time")]

    def __str__(self) -> str:
        return f"{self.case} {self.starts_at:%Y-%m-%d}"


class CaseMeetingInvitee(models.Model):
    """Someone invited to a case meeting: a user (participant, bureau staff) or a name without account."""

    meeting = models.ForeignKey(
        CaseMeeting, on_delete=models.CASCADE, related_name="invitees", verbose_name=_("case meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name (without an account)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "reference.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    attended = models.BooleanField(_("present"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="invitee_is_someone"),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.name
