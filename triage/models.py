"""Triage: the weekly ketenkamer (and other triage tables), its agenda and decisions, and the
werkvoorraad (waiting list) with its weekly prioritisation.

A `Meeting` of a `MeetingType` has an agenda of `AgendaItem`s, one per referral discussed. Liaisons
seated at the meeting record per item what their organisation knows (`Enrichment`). The decision on
an item sets the case's kind and status; cases accepted for procesregie without a free procesregisseur
get a `WaitingListEntry`, ranked every week (`PrioritySnapshot`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SafetyRisk(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class AvePhase(models.IntegerChoices):
    """The four phases of the AVE model (aanpak voorkomen escalatie)."""

    ONE = 1, _("AVE 1: no problems, or only suspected ones")
    TWO = 2, _("AVE 2: a question or a problem")
    THREE = 3, _("AVE 3: complex problems across life domains")
    FOUR = 4, _("AVE 4: the situation escalates")


class Decision(models.TextChoices):
    COORDINATION_TAILORED = "coordination_tailored", _("process coordination, tailored")
    COORDINATION_PGA = "coordination_pga", _("process coordination, PGA")
    EXTENDED_ADVICE = "extended_advice", _("extended advice")
    NOT_TAKEN_UP = "not_taken_up", _("not taken up")
    REFERRED_BACK = "referred_back", _("referred back")


COORDINATION_DECISIONS = frozenset({Decision.COORDINATION_TAILORED, Decision.COORDINATION_PGA})


class Meeting(models.Model):
    """One session of a triage table: date, chair and the liaisons present."""

    meeting_type = models.ForeignKey(
        "reference.MeetingType", on_delete=models.PROTECT, related_name="+", verbose_name=_("meeting type")
    )
    date = models.DateField(_("date"))
    cutoff = models.DateTimeField(
        _("referrals complete by"),
        help_text=_("Referrals complete before this moment are proposed for the agenda."),
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="triage_meetings",
        verbose_name=_("liaisons present"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    created_at = models.DateTimeField(_("planned at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("triage meeting")
        verbose_name_plural = _("triage meetings")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting_type", "date"], name="meeting_one_per_type_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_type} {self.date:%d-%m-%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", kwargs={"pk": self.pk})


class AgendaItem(models.Model):
    """A referral on a meeting's agenda, with the assessment and the decision taken on it."""

    class Source(models.TextChoices):
        PROPOSED = "proposed", _("proposed (complete before the cut-off)")
        ADDED = "added", _("added by hand")
        MOVED = "moved", _("moved from another meeting")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("case")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    source = models.CharField(_("on the agenda as"), max_length=10, choices=Source.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    # Assessment
    criteria_met = models.ManyToManyField(
        "reference.AcceptanceCriterion", blank=True, related_name="+", verbose_name=_("criteria met")
    )
    ave_phase = models.PositiveSmallIntegerField(
        _("AVE phase"), choices=AvePhase.choices, null=True, blank=True
    )
    safety_risk = models.CharField(_("safety risk"), max_length=10, choices=SafetyRisk.choices, blank=True)
    considerations = models.TextField(_("considerations"), blank=True)
    # Decision
    decision = models.CharField(_("decision"), max_length=30, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    referred_to = models.ForeignKey(
        "reference.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred back to"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision recorded by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_item_case_once_per_meeting"),
            # A referral waits for one decision at a time: it is on at most one open agenda item.
            models.UniqueConstraint(
                fields=["case"], condition=Q(decision=""), name="agenda_item_one_open_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.case}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)


class Enrichment(models.Model):
    """What one partner organisation knows of the subject of an agenda item, recorded by its liaison."""

    class Known(models.TextChoices):
        YES = "yes", _("known")
        NO = "no", _("not known")

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="enrichments", verbose_name=_("agenda item")
    )
    organisation = models.ForeignKey(
        "reference.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("liaison")
    )
    known = models.CharField(_("subject known to the organisation"), max_length=5, choices=Known.choices)
    information = models.TextField(
        _("necessary information"),
        blank=True,
        help_text=_("Only what the ketenkamer needs for its decision (need-to-know)."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("enrichment")
        verbose_name_plural = _("enrichments")
        ordering = ["organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"], name="enrichment_once_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.organisation}"


class Feedback(models.Model):
    """The message to the referrer about the decision: stored on the case, sent by e-mail or printed."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="referrer_feedback", verbose_name=_("case")
    )
    item = models.OneToOneField(
        AgendaItem, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("agenda item")
    )
    recipient = models.EmailField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("feedback to the referrer")
        verbose_name_plural = _("feedback to referrers")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


# --- Werkvoorraad ----------------------------------------------------------------------------------


class Urgency(models.TextChoices):
    NONE = "none", _("no particular urgency")
    RAISED = "raised", _("raised")
    HIGH = "high", _("high")


class WaitingListEntry(models.Model):
    """A case accepted for procesregie, waiting for a procesregisseur. Kept after it leaves the list,
    for the waiting-list figures of the annual report."""

    class LeftBecause(models.TextChoices):
        ASSIGNED = "assigned", _("procesregisseur assigned")
        CLOSED = "closed", _("closed while waiting")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="waiting_list_entries", verbose_name=_("case")
    )
    added_on = models.DateField(_("on the waiting list since"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    safety_risk = models.CharField(_("safety risk"), max_length=10, choices=SafetyRisk.choices)
    # The latest ranking (copied from the week's snapshot, or moved by an override).
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    score = models.IntegerField(_("priority score"), null=True, blank=True)
    breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    ranked_week = models.CharField(_("ranked in week"), max_length=8, blank=True)
    rank_override = models.PositiveIntegerField(_("rank set by hand"), null=True, blank=True)
    override_reason = models.TextField(_("reason for the rank set by hand"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rank set by"),
    )
    override_at = models.DateTimeField(_("rank set at"), null=True, blank=True)
    left_on = models.DateField(_("left the waiting list on"), null=True, blank=True)
    left_because = models.CharField(_("left because"), max_length=10, choices=LeftBecause.choices, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        ordering = ["rank", "added_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(left_on__isnull=True), name="waiting_list_case_once"
            ),
        ]
        indexes = [models.Index(fields=["left_on", "rank"], name="waiting_list_current")]

    def __str__(self) -> str:
        return f"{self.case} #{self.rank or '-'}"

    @property
    def is_waiting(self) -> bool:
        return self.left_on is None


class PriorityWeights(models.Model):
    """The weights of the weekly priority score, editable in the admin (one row)."""

    risk_low = models.IntegerField(_("safety risk low"), default=0)
    risk_medium = models.IntegerField(_("safety risk medium"), default=20)
    risk_high = models.IntegerField(_("safety risk high"), default=40)
    per_week_waiting = models.IntegerField(_("per week waiting"), default=2)
    max_weeks_counted = models.PositiveIntegerField(
        _("weeks waiting counted at most"),
        default=26,
        help_text=_("Waiting beyond this many weeks adds nothing more."),
    )
    minors_in_system = models.IntegerField(_("minors in the system"), default=15)
    per_escalation_signal = models.IntegerField(_("per escalation signal"), default=10)
    max_signals_counted = models.PositiveIntegerField(_("escalation signals counted at most"), default=3)
    urgency_raised = models.IntegerField(_("partner urgency raised"), default=10)
    urgency_high = models.IntegerField(_("partner urgency high"), default=25)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("priority weights")
        verbose_name_plural = _("priority weights")

    def __str__(self) -> str:
        return str(_("Priority weights"))


class PrioritySnapshot(models.Model):
    """The waiting list as ranked in one ISO week. One per week: running the job again changes nothing."""

    week = models.CharField(_("week"), max_length=8, unique=True)  # "2026-W48"
    created_at = models.DateTimeField(_("ranked at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    weights = models.JSONField(_("weights used"), default=dict)
    entries = models.PositiveIntegerField(_("cases ranked"), default=0)

    class Meta:
        verbose_name = _("weekly prioritisation")
        verbose_name_plural = _("weekly prioritisations")
        ordering = ["-week"]

    def __str__(self) -> str:
        return self.week


class PrioritySnapshotRow(models.Model):
    snapshot = models.ForeignKey(
        PrioritySnapshot, on_delete=models.CASCADE, related_name="rows", verbose_name=_("week")
    )
    entry = models.ForeignKey(
        WaitingListEntry, on_delete=models.CASCADE, related_name="snapshot_rows", verbose_name=_("entry")
    )
    rank = models.PositiveIntegerField(_("rank"))
    score = models.IntegerField(_("priority score"))
    breakdown = models.JSONField(_("score breakdown"), default=dict)
    overridden = models.BooleanField(_("rank set by hand"), default=False)

    class Meta:
        verbose_name = _("ranked case")
        verbose_name_plural = _("ranked cases")
        ordering = ["snapshot", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "entry"], name="snapshot_entry_once"),
        ]
        indexes = [models.Index(fields=["entry", "snapshot"], name="snapshot_row_entry")]

    def __str__(self) -> str:
        return f"{self.snapshot_id} #{self.rank}"


class ReferrerContact(models.Model):
    """A contact moment with the referrer while the case waits, or interim advice given."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("contact with the referrer")
        INTERIM_ADVICE = "interim_advice", _("interim advice")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="referrer_contacts", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CONTACT)
    occurred_on = models.DateField(_("date"))
    note = models.TextField(_("summary"))
    escalation_signal = models.BooleanField(
        _("escalation signal"), default=False, help_text=_("The situation has worsened since the referral.")
    )
    urgency = models.CharField(
        _("urgency according to the referrer"), max_length=10, choices=Urgency.choices, default=Urgency.NONE
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact with the referrer")
        verbose_name_plural = _("contacts with the referrer")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["case", "occurred_on"], name="referrer_contact_case_day")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.occurred_on}"
