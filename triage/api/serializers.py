"""API representations of triage: meetings and their agenda, enrichment, decisions and the werkvoorraad.

Reference data is addressed by its stable `code`, people and cases by their id. The rules are the
services'; these serializers only translate between JSON and the services' arguments.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from cases.access import cases_visible_to
from cases.api.serializers import CaseListSerializer, CodeNameSerializer
from cases.models import Case
from cases.workflow import CaseStatus
from triage.models import (
    AgendaItem,
    AvePhase,
    Decision,
    Enrichment,
    ReferrerContact,
    SafetyRisk,
    Urgency,
    WaitingListEntry,
)
from triage.services import DecisionData
from triage.waiting_list import weeks_between
from zvhd.accounts.models import User
from zvhd.reference.models import AcceptanceCriterion, MeetingType, Partner


def _code_field(model: type, **kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=model.objects.active(), **kwargs)


def _user_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    # Any account: whether it may chair, enrich or coordinate is for the service to say, in Dutch.
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), **kwargs)


class VisibleCaseField(serializers.PrimaryKeyRelatedField):
    """A case the requesting user may see; to him, other cases do not exist (the access layer decides)."""

    def get_queryset(self) -> QuerySet[Case]:
        request = self.context.get("request")
        return cases_visible_to(request.user) if request is not None else Case.objects.none()


class StaffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return str(user)


class LiaisonSerializer(StaffSerializer):
    organisation = CodeNameSerializer(allow_null=True)


class ProblemSerializer(serializers.Serializer):
    """An error body without a field: not found, not allowed, or changed by someone else."""

    detail = serializers.CharField()


# --- Meetings and the agenda ------------------------------------------------------------------------


class MeetingWriteSerializer(serializers.Serializer):
    meeting_type = _code_field(MeetingType)
    date = serializers.DateField()
    chair = _user_field(help_text="A member of the bureau.")
    liaisons = _user_field(
        many=True,
        required=False,
        default=list,
        help_text="Liaisons of organisations seated at this type of meeting; they see its agenda.",
    )


class AgendaAddSerializer(serializers.Serializer):
    case = VisibleCaseField(queryset=Case.objects.none(), help_text="A registered referral on no agenda.")


class EnrichmentSerializer(serializers.Serializer):
    organisation = CodeNameSerializer()
    liaison = StaffSerializer()
    known = serializers.ChoiceField(choices=Enrichment.Known.choices)
    information = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Send back when changing the enrichment.")


class AgendaItemSerializer(serializers.Serializer):
    """An item of the agenda. Of a case the user may not (or no longer) see, it carries only the case
    number and the decision: `case_visible` is false and every other field is left out."""

    SUMMARY = ("id", "position", "case_number", "case_visible", "decision")

    id = serializers.IntegerField()
    position = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    case_visible = serializers.BooleanField()
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True)
    # Only when the case is visible:
    source = serializers.ChoiceField(choices=AgendaItem.Source.choices, required=False)
    case = CaseListSerializer(required=False)
    safety_risk = serializers.ChoiceField(choices=SafetyRisk.choices, allow_blank=True, required=False)
    ave_phase = serializers.ChoiceField(choices=AvePhase.choices, allow_null=True, required=False)
    criteria_met = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=AcceptanceCriterion.objects.all(), required=False
    )
    considerations = serializers.CharField(required=False)
    decision_reason = serializers.CharField(required=False)
    referred_to = CodeNameSerializer(allow_null=True, required=False)
    decided_by = StaffSerializer(allow_null=True, required=False)
    decided_at = serializers.DateTimeField(allow_null=True, required=False)
    enrichments = EnrichmentSerializer(
        many=True, required=False, help_text="A liaison sees only his own organisation's."
    )
    version = serializers.IntegerField(required=False, help_text="Send back when recording the decision.")

    def to_representation(self, item: AgendaItem) -> dict[str, Any]:
        if getattr(item, "case_visible", False):
            return super().to_representation(item)
        return {
            "id": item.pk,
            "position": item.position,
            "case_number": item.case.number,
            "case_visible": False,
            "decision": item.decision,
        }


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting_type = CodeNameSerializer()
    date = serializers.DateField()
    cutoff = serializers.DateTimeField(help_text="Referrals complete before this moment are proposed.")
    chair = StaffSerializer()
    item_count = serializers.IntegerField()


class MeetingDetailSerializer(MeetingSerializer):
    liaisons = LiaisonSerializer(many=True)
    version = serializers.IntegerField()
    items = AgendaItemSerializer(many=True, source="agenda")


# --- Enrichment and decisions -------------------------------------------------------------------------


class EnrichmentWriteSerializer(serializers.Serializer):
    known = serializers.ChoiceField(choices=Enrichment.Known.choices)
    information = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The version of your organisation's enrichment you started from; none for a new one.",
    )


class DecisionWriteSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    safety_risk = serializers.ChoiceField(choices=SafetyRisk.choices)
    ave_phase = serializers.ChoiceField(choices=AvePhase.choices)
    criteria_met = _code_field(AcceptanceCriterion, many=True, required=False, default=list)
    considerations = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The referrer receives it."
    )
    referred_to = _code_field(Partner, required=False, allow_null=True, default=None)
    coordinator = _user_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="Process coordination: who starts now (none: the waiting list). Extended advice: who "
        "gives it.",
    )
    version = serializers.IntegerField(help_text="The agenda item's version you started from.")

    def to_data(self) -> DecisionData:
        data = dict(self.validated_data)
        data.pop("version")
        return DecisionData(**data)


# --- The werkvoorraad ---------------------------------------------------------------------------------


class WaitingListEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True, help_text="None until the next weekly ranking.")
    score = serializers.IntegerField(allow_null=True)
    breakdown = serializers.DictField(
        child=serializers.IntegerField(), help_text="The points each component of the score adds."
    )
    ranked_week = serializers.CharField()
    previous_rank = serializers.IntegerField(allow_null=True, help_text="The rank in the week before.")
    rank_override = serializers.IntegerField(allow_null=True, help_text="The rank set by hand, if any.")
    override_reason = serializers.CharField()
    safety_risk = serializers.ChoiceField(choices=SafetyRisk.choices)
    added_on = serializers.DateField()
    weeks_waiting = serializers.SerializerMethodField()
    last_contact_on = serializers.DateField(allow_null=True, help_text="The last contact with the referrer.")
    case = CaseListSerializer()
    version = serializers.IntegerField(help_text="Send back when changing the entry.")

    def get_weeks_waiting(self, entry: WaitingListEntry) -> int:
        return weeks_between(entry.added_on, timezone.localdate())


class PrioritisationSerializer(serializers.Serializer):
    week = serializers.CharField(help_text='The ISO week, e.g. "2026-W48".')
    entries = serializers.IntegerField(help_text="Cases ranked.")
    created = serializers.BooleanField(help_text="False: this week had been ranked already; nothing changed.")


class RankOverrideSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="None: the rank follows the score again.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField()


class AssignSerializer(serializers.Serializer):
    coordinator = _user_field(help_text="An active process coordinator.")
    version = serializers.IntegerField()


class AssignmentSerializer(serializers.Serializer):
    """The case once procesregie started; names are left out, as the case may no longer be yours."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    coordinator = StaffSerializer()


# Named as the request half of `ReferrerContact`, so that its `kind` gets one enum of its own name
# ("kind" already names the case's and the timeline's choice sets).
@extend_schema_serializer(component_name="ReferrerContact")
class ReferrerContactWriteSerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    note = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=ReferrerContact.Kind.choices, default=ReferrerContact.Kind.CONTACT)
    escalation_signal = serializers.BooleanField(
        default=False, help_text="The situation has worsened since the referral."
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NONE)


class ReferrerContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReferrerContact.Kind.choices)
    occurred_on = serializers.DateField()
    note = serializers.CharField()
    escalation_signal = serializers.BooleanField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    by = StaffSerializer()
    recorded_at = serializers.DateTimeField()
