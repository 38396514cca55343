"""API representations of procesregie: the caseload, the action plan, case meetings, escalation,
handover, closure and advice.

Reference data is addressed by its stable `code`, people, goals and invitees by their id. The rules are
the services'; these serializers only translate between JSON and the services' arguments. Statuses are
sent as plain strings: the enum names of the schema belong to the case and triage endpoints.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import serializers

from cases.api.serializers import CaseListSerializer, CodeNameSerializer
from cases.case_meetings import DecisionData, InviteeData
from cases.coordination import EscalationData, HandoverData, MyCasesSort
from cases.models import (
    Agreement,
    AnonymousAdvice,
    Case,
    CaseMeeting,
    CaseMeetingInvitee,
    Escalation,
    Goal,
    Handover,
    InformationContact,
    Subject,
)
from cases.plans import AgreementData, GoalData
from zvhd.accounts.models import User
from zvhd.reference.models import CaseLabel, LifeDomain, MainTopic, Municipality, Partner

FIRST_YEAR = 2000


def _code_field(model: type, **kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=model.objects.active(), **kwargs)


def _user_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    # Any active account: whether he may own an agreement or be invited is for the service to say.
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), **kwargs)


class _OfTheCaseField(serializers.PrimaryKeyRelatedField):
    """An object of the case in the serializer's context; to the client, others do not exist."""

    def of_case(self, case: Case) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        case = self.context.get("case")
        return self.of_case(case) if case is not None else self.queryset.none()


class CaseSubjectField(_OfTheCaseField):
    def of_case(self, case: Case) -> QuerySet[Subject]:
        return Subject.objects.filter(case=case).select_related("person")


class CaseGoalField(_OfTheCaseField):
    def of_case(self, case: Case) -> QuerySet[Goal]:
        return Goal.objects.filter(plan__case=case).select_related("plan")


class PersonRefSerializer(serializers.Serializer):
    """An account, by id and name."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return str(user)


# --- Mijn casussen ------------------------------------------------------------------------------------


class MyCasesQuerySerializer(serializers.Serializer):
    sort = serializers.ChoiceField(choices=MyCasesSort.choices, required=False, default=MyCasesSort.NUMBER)
    kind = serializers.ChoiceField(choices=Case.Kind.choices, required=False, allow_blank=True, default="")
    label = _code_field(CaseLabel, required=False, allow_null=True, default=None)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only cases with overdue agreements."
    )


class MyCaseSerializer(CaseListSerializer):
    """A case of the caseload with the counts Mijn casussen shows."""

    overdue_count = serializers.IntegerField(help_text="Open agreements past their due date.")
    open_count = serializers.IntegerField(help_text="Open agreements.")
    next_deadline = serializers.DateField(allow_null=True, help_text="The earliest due date still open.")
    last_activity_at = serializers.DateTimeField(allow_null=True)
    escalated = serializers.BooleanField(help_text="An escalation without an outcome yet.")
    labels = CodeNameSerializer(many=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "overdue_count", "open_count", "next_deadline"]
        fields += ["last_activity_at", "escalated", "labels"]


# --- The action plan ----------------------------------------------------------------------------------


class AgreementReadSerializer(serializers.ModelSerializer):
    owner_partner = CodeNameSerializer(allow_null=True)
    owner = PersonRefSerializer(allow_null=True)
    status = serializers.CharField(help_text="open, done or not_done.")
    overdue = serializers.SerializerMethodField()
    version = serializers.IntegerField(help_text="Send back when completing or recording not done.")

    class Meta:
        model = Agreement
        fields = ["id", "goal", "what", "owner_partner", "owner", "owner_name", "due_date", "status"]
        fields += ["not_done_reason", "completed_at", "overdue", "meeting", "version"]

    def get_overdue(self, agreement: Agreement) -> bool:
        return agreement.is_overdue_on(timezone.localdate())


class AgreementAddedSerializer(AgreementReadSerializer):
    plan_version = serializers.IntegerField(
        source="goal.plan.version", help_text="The plan's version now: send it with the next change."
    )

    class Meta(AgreementReadSerializer.Meta):
        fields = [*AgreementReadSerializer.Meta.fields, "plan_version"]


class GoalReadSerializer(serializers.ModelSerializer):
    life_domain = CodeNameSerializer()
    agreements = AgreementReadSerializer(many=True)
    # Declared, so the schema does not carry the database's integer range (SQLite and PostgreSQL differ).
    position = serializers.IntegerField(read_only=True, min_value=0)

    class Meta:
        model = Goal
        fields = ["id", "life_domain", "description", "achieved", "position", "agreements"]


class GoalAddedSerializer(GoalReadSerializer):
    plan_version = serializers.IntegerField(
        source="plan.version", help_text="The plan's version now: send it with the next change."
    )

    class Meta(GoalReadSerializer.Meta):
        fields = [*GoalReadSerializer.Meta.fields, "plan_version"]


class PlanSubjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="person.full_name")
    is_primary = serializers.BooleanField()


class PlanHeaderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Send back when adding a goal or an agreement.")
    summary = serializers.CharField()
    updated_at = serializers.DateTimeField()


class SubjectPlanSerializer(serializers.Serializer):
    """One subject's plan; `plan` is null until its first goal."""

    subject = PlanSubjectSerializer()
    plan = PlanHeaderSerializer(allow_null=True)
    goals = GoalReadSerializer(many=True)


class CasePlanSerializer(serializers.Serializer):
    can_edit = serializers.BooleanField(help_text="Whether you may change the plan (its procesregisseur).")
    subjects = SubjectPlanSerializer(many=True, help_text="Main subject first.")


class GoalWriteSerializer(serializers.Serializer):
    subject = CaseSubjectField(queryset=Subject.objects.all(), help_text="A subject of this case.")
    life_domain = _code_field(LifeDomain)
    description = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(help_text="The plan's version you started from (1 for a new plan).")

    def to_data(self) -> GoalData:
        data = self.validated_data
        return GoalData(life_domain=data["life_domain"], description=data["description"])


class AgreementWriteSerializer(serializers.Serializer):
    what = serializers.CharField(allow_blank=True)
    owner_partner = _code_field(Partner, required=False, allow_null=True, default=None)
    owner = _user_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="The procesregisseur or a current participant.",
    )
    owner_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Someone without an account."
    )
    due_date = serializers.DateField()

    def to_data(self) -> AgreementData:
        data = self.validated_data
        return AgreementData(
            what=data["what"],
            due_date=data["due_date"],
            owner_partner=data["owner_partner"],
            owner=data["owner"],
            owner_name=data["owner_name"],
        )


class AgreementAddSerializer(AgreementWriteSerializer):
    version = serializers.IntegerField(help_text="The plan's version you started from.")


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The agreement's version you started from.")


class AgreementNotDoneSerializer(VersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- Case meetings ------------------------------------------------------------------------------------


class InviteeSerializer(serializers.ModelSerializer):
    user = PersonRefSerializer(allow_null=True)
    organisation = CodeNameSerializer(allow_null=True)
    attended = serializers.BooleanField(allow_null=True, help_text="Null until the meeting is recorded.")

    class Meta:
        model = CaseMeetingInvitee
        fields = ["id", "user", "name", "organisation", "attended"]


class CaseMeetingSerializer(serializers.ModelSerializer):
    invitees = InviteeSerializer(many=True)
    agreements = AgreementReadSerializer(many=True, help_text="The decisions of the meeting.")
    version = serializers.IntegerField(help_text="Send back when recording the meeting.")

    class Meta:
        model = CaseMeeting
        fields = ["id", "starts_at", "location", "agenda", "held", "minutes", "minutes_final_at"]
        fields += ["version", "invitees", "agreements"]


class CaseMeetingsSerializer(serializers.Serializer):
    can_plan = serializers.BooleanField(help_text="Whether you may plan and record meetings.")
    upcoming = CaseMeetingSerializer(many=True, help_text="The next one first.")
    held = CaseMeetingSerializer(many=True, help_text="The latest one first.")


class GuestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    organisation = _code_field(Partner, required=False, allow_null=True, default=None)


class CaseMeetingPlanSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    agenda = serializers.CharField(required=False, allow_blank=True, default="")
    invitees = _user_field(
        many=True,
        required=False,
        default=list,
        help_text="Accounts to invite: the case's current participants and bureau staff.",
    )
    guests = GuestSerializer(many=True, required=False, default=list, help_text="People without an account.")

    def invitee_data(self) -> list[InviteeData]:
        data = self.validated_data
        return [InviteeData(user=user) for user in data["invitees"]] + [
            InviteeData(name=guest["name"], organisation=guest["organisation"]) for guest in data["guests"]
        ]


class AttendanceSerializer(serializers.Serializer):
    invitee = serializers.IntegerField(help_text="The id of an invitee of the meeting.")
    present = serializers.BooleanField()


class MeetingDecisionSerializer(AgreementWriteSerializer):
    goal = CaseGoalField(queryset=Goal.objects.all(), help_text="A goal of this case's action plan.")


class CaseMeetingRecordSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The meeting's version you started from.")
    attendance = AttendanceSerializer(many=True, help_text="One entry for every invitee.")
    minutes = serializers.CharField(allow_blank=True)
    decisions = MeetingDecisionSerializer(
        many=True, required=False, default=list, help_text="Each becomes an agreement under its goal."
    )

    def attendance_map(self) -> dict[int, bool]:
        return {row["invitee"]: row["present"] for row in self.validated_data["attendance"]}

    def decision_data(self) -> list[DecisionData]:
        return [
            DecisionData(
                goal=row["goal"],
                what=row["what"],
                due_date=row["due_date"],
                owner_partner=row["owner_partner"],
                owner=row["owner"],
                owner_name=row["owner_name"],
            )
            for row in self.validated_data["decisions"]
        ]


# --- Escalation, handover and closure -----------------------------------------------------------------


class EscalationSerializer(serializers.ModelSerializer):
    """Request and response alike, so its choice set is named once in the schema."""

    escalated_on = serializers.DateField(required=False, help_text="Today when left out.")
    to_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField(allow_blank=True)
    ave_before = serializers.IntegerField(required=False, allow_null=True, default=None)
    ave_after = serializers.IntegerField(required=False, allow_null=True, default=None)
    by = PersonRefSerializer(read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "to", "to_detail", "reason", "ave_before", "ave_after", "escalated_on"]
        fields += ["outcome", "resolved_on", "by"]
        read_only_fields = ["outcome", "resolved_on"]

    def to_data(self) -> EscalationData:
        data = self.validated_data
        return EscalationData(
            to=data["to"],
            to_detail=data["to_detail"],
            reason=data["reason"],
            ave_before=data["ave_before"],
            ave_after=data["ave_after"],
            escalated_on=data.get("escalated_on") or timezone.localdate(),
        )


class HandoverSerializer(serializers.ModelSerializer):
    """Request and response alike, so its choice set is named once in the schema."""

    receiver_name = serializers.CharField(max_length=200, allow_blank=True)
    receiver_organisation = _code_field(Partner, required=False, allow_null=True, default=None)
    handed_over_on = serializers.DateField(required=False, help_text="Today when left out.")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    by = PersonRefSerializer(read_only=True)

    class Meta:
        model = Handover
        fields = ["id", "to", "receiver_name", "receiver_organisation", "handed_over_on", "note", "by"]

    def to_representation(self, instance: Handover) -> dict[str, Any]:
        body = super().to_representation(instance)
        organisation = instance.receiver_organisation
        body["receiver_organisation"] = organisation.code if organisation is not None else None
        return body

    def to_data(self) -> HandoverData:
        data = self.validated_data
        return HandoverData(
            to=data["to"],
            receiver_name=data["receiver_name"],
            receiver_organisation=data["receiver_organisation"],
            handed_over_on=data.get("handed_over_on") or timezone.localdate(),
            note=data["note"],
        )


class CaseCloseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Case.ClosureReason.choices)
    evaluation = serializers.CharField(
        allow_blank=True, help_text="What was achieved, what was not, and why (at least a few words)."
    )


class ClosedCaseSerializer(serializers.ModelSerializer):
    closure_reason = serializers.CharField()

    class Meta:
        model = Case
        fields = ["id", "number", "status", "closed_at", "closure_reason", "closure_evaluation"]


# --- Advice -------------------------------------------------------------------------------------------


class AnonymousAdviceSerializer(serializers.ModelSerializer):
    """Request and response alike. Question and advice must not identify the person."""

    partner = _code_field(Partner)
    municipality = _code_field(Municipality, required=False, allow_null=True, default=None)
    main_topic = _code_field(MainTopic, required=False, allow_null=True, default=None)
    question = serializers.CharField(allow_blank=True)
    advice = serializers.CharField(allow_blank=True)
    minutes_spent = serializers.IntegerField(required=False, default=0)
    given_by = PersonRefSerializer(read_only=True)

    class Meta:
        model = AnonymousAdvice
        fields = ["id", "asked_on", "partner", "municipality", "main_topic", "channel", "question", "advice"]
        fields += ["minutes_spent", "given_by", "recorded_at"]
        read_only_fields = ["recorded_at"]


class InformationContactSerializer(serializers.ModelSerializer):
    """Request and response alike. The topic may name professionals, not a BSN or a date of birth."""

    partner = _code_field(Partner)
    topic = serializers.CharField(max_length=200, allow_blank=True)
    minutes_spent = serializers.IntegerField(required=False, default=5)
    by = PersonRefSerializer(read_only=True)

    class Meta:
        model = InformationContact
        fields = ["id", "contacted_on", "partner", "topic", "minutes_spent", "by", "recorded_at"]
        read_only_fields = ["recorded_at"]


class AdviceYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=FIRST_YEAR, help_text="This year when left out."
    )


class AdviceCountsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    extended_advice = serializers.IntegerField()
    anonymous_advice = serializers.IntegerField()
    anonymous_advice_minutes = serializers.IntegerField()
    information_contacts = serializers.IntegerField()
    information_contact_minutes = serializers.IntegerField()
    advice_total = serializers.IntegerField(help_text="Extended plus anonymous advice.")
