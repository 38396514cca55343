"""API representations of aftercare: detention notices, the aftercare caseload and case file, and the
requests that change it.

Aftercare cases are addressed by the id of their case, reference data by its stable `code`, accounts by
id (a guidance worker also by username). The rules are the services'; these serializers only translate
between JSON and the services' arguments. Choices are sent as plain strings, their values listed in the
field's description: the enum names of the schema belong to the case and triage endpoints.
"""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftercare import services
from aftercare.models import (
    AftercareFile,
    AftercareInformation,
    BasicCondition,
    ConditionAction,
    ConditionKind,
    ConditionState,
    Consent,
    ConsentChannel,
    DetentionKind,
    DetentionNotice,
    GuidanceContact,
    GuidanceEpisode,
    GuidanceGoal,
    InformationSource,
    ReleaseTask,
    ReleaseTaskKind,
)
from cases.api.serializers import CodeNameSerializer
from cases.api.serializers_procesregie import PersonRefSerializer
from cases.models import Case
from cases.workflow import CaseStatus
from zvhd.accounts.models import User
from zvhd.reference.models import MainTopic, Municipality, Partner, ProblemArea


def _code_field(model: type, **kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=model.objects.active(), **kwargs)


def _one_of(choices: type[TextChoices]) -> str:
    return "One of: " + ", ".join(choices.values) + "."


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice, checked against its set but documented as a string that lists the values."""

    def __init__(self, choices: type[TextChoices], **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _one_of(choices))
        super().__init__(choices=choices.choices, **kwargs)


def _plain(choices: type[TextChoices], **kwargs: Any) -> serializers.CharField:
    """A choice as it is read: a plain string, its values named in the description."""
    return serializers.CharField(help_text=_one_of(choices), **kwargs)


class CaseNumberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class _VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you started from.")


# --- Detention notices --------------------------------------------------------------------------------


class MunicipalityCodeField(serializers.CharField):
    """A municipality by code; one this house does not know is refused naming who is responsible."""

    def to_internal_value(self, data: Any) -> Municipality:
        code = super().to_internal_value(data)
        found = Municipality.objects.active().filter(code=code).first()
        if found is None:
            raise serializers.ValidationError(services.municipality_refusal(None, code))
        return found


class NoticeWriteSerializer(serializers.Serializer):
    """A detention notice as DJI sends it: the notice and the person it is about."""

    reference = serializers.CharField(max_length=64, allow_blank=True, help_text="The reference at DJI.")
    kind = PlainChoiceField(DetentionKind)
    received_on = serializers.DateField()
    institution = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    detention_start = serializers.DateField(required=False, allow_null=True, default=None)
    expected_release = serializers.DateField(required=False, allow_null=True, default=None)
    first_name = serializers.CharField(max_length=100, allow_blank=True)
    name_prefix = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    bsn = serializers.CharField(max_length=9, required=False, allow_blank=True, default="")
    municipality = MunicipalityCodeField(
        help_text="The code of the municipality he lives in; the bureau does aftercare only for some."
    )

    def to_data(self) -> services.NoticeData:
        return services.NoticeData(**self.validated_data)


class NoticeRegisteredSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The notice.")
    reference = serializers.CharField()
    case = serializers.IntegerField(
        allow_null=True,
        help_text="The aftercare case the notice is on; null when it is someone else's case to see.",
    )
    outcome = serializers.CharField(help_text="created, updated or unchanged.")


class NoticeSerializer(serializers.ModelSerializer):
    kind = _plain(DetentionKind)
    version = serializers.IntegerField()

    class Meta:
        model = DetentionNotice
        fields = ["id", "reference", "kind", "institution", "detention_start", "expected_release"]
        fields += ["received_on", "registered_at", "version"]


class NoticeListSerializer(NoticeSerializer):
    case = CaseNumberSerializer(source="aftercare.case")
    person = serializers.CharField(source="aftercare.person.full_name")

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "case", "person"]


# --- The caseload -------------------------------------------------------------------------------------


class AftercareCasesQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["open", "closed"],
        required=False,
        allow_blank=True,
        default="",
        help_text="open or closed; both when left out.",
    )
    municipality = _code_field(Municipality, required=False, allow_null=True, default=None)


class AftercareCaseListSerializer(serializers.ModelSerializer):
    """One aftercare case of the caseload."""

    status = _plain(CaseStatus)
    person = serializers.CharField(source="aftercare.person.full_name")
    municipality = CodeNameSerializer(source="aftercare.municipality")
    coordinator = PersonRefSerializer(allow_null=True, help_text="The nazorgcoördinator.")
    consent = _plain(Consent, source="aftercare.consent")
    expected_release_on = serializers.DateField(source="aftercare.expected_release_on", allow_null=True)
    released_on = serializers.DateField(source="aftercare.released_on", allow_null=True)
    escalated_to = CaseNumberSerializer(source="aftercare.escalated_to", allow_null=True)

    class Meta:
        model = Case
        fields = ["id", "number", "status", "person", "municipality", "coordinator", "consent"]
        fields += ["expected_release_on", "released_on", "escalated_to"]


# --- The case file ------------------------------------------------------------------------------------


class InformationSerializer(serializers.ModelSerializer):
    source = _plain(InformationSource)
    recorded_by = PersonRefSerializer()

    class Meta:
        model = AftercareInformation
        fields = ["id", "source", "received_on", "content", "recorded_by", "recorded_at"]


class ConditionActionSerializer(serializers.ModelSerializer):
    owner_partner = CodeNameSerializer(allow_null=True)
    created_by = PersonRefSerializer()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ConditionAction
        fields = ["id", "what", "owner_partner", "owner_name", "due_on", "done_on", "overdue"]
        fields += ["created_by", "created_at"]

    def get_overdue(self, action: ConditionAction) -> bool:
        return action.done_on is None and action.due_on < timezone.localdate()


class ConditionSerializer(serializers.ModelSerializer):
    kind = _plain(ConditionKind)
    at_intake = _plain(ConditionState)
    at_release = _plain(ConditionState)
    after_three_months = _plain(ConditionState)
    version = serializers.IntegerField(help_text="Send back when changing the condition.")
    actions = ConditionActionSerializer(many=True)

    class Meta:
        model = BasicCondition
        fields = ["id", "kind", "at_intake", "intake_note", "at_release", "release_note"]
        fields += ["after_three_months", "after_note", "version", "actions"]


class ReleaseTaskSerializer(serializers.ModelSerializer):
    kind = _plain(ReleaseTaskKind)
    done_by = PersonRefSerializer(allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ReleaseTask
        fields = ["id", "kind", "due_on", "done_on", "done_by", "overdue"]

    def get_overdue(self, task: ReleaseTask) -> bool:
        return task.done_on is None and task.due_on < timezone.localdate()


class GuidanceGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuidanceGoal
        fields = ["id", "description", "achieved"]


class GuidanceContactSerializer(serializers.ModelSerializer):
    kind = _plain(GuidanceContact.Kind)
    minutes = serializers.IntegerField(min_value=0)
    recorded_by = PersonRefSerializer()

    class Meta:
        model = GuidanceContact
        fields = ["id", "contacted_on", "kind", "minutes", "note", "recorded_by"]


class GuidanceEpisodeSerializer(serializers.ModelSerializer):
    worker = PersonRefSerializer()
    started_by = PersonRefSerializer()
    goals = GuidanceGoalSerializer(many=True)
    contacts = GuidanceContactSerializer(many=True, help_text="The latest one first.")

    class Meta:
        model = GuidanceEpisode
        fields = ["id", "worker", "reason", "started_on", "ended_on", "end_note", "started_by"]
        fields += ["goals", "contacts"]


class AftercarePersonSerializer(serializers.Serializer):
    name = serializers.CharField(source="full_name")
    date_of_birth = serializers.DateField(allow_null=True)
    bsn_masked = serializers.CharField()


class AftercareCaseSerializer(serializers.ModelSerializer):
    """An aftercare case with everything it holds."""

    id = serializers.IntegerField(source="case_id", help_text="The id of the case.")
    number = serializers.CharField(source="case.number")
    status = _plain(CaseStatus, source="case.status")
    closure_reason = serializers.CharField(source="case.closure_reason")
    coordinator = PersonRefSerializer(source="case.coordinator", allow_null=True)
    person = AftercarePersonSerializer()
    municipality = CodeNameSerializer()
    consent = _plain(Consent)
    consent_channel = serializers.CharField(help_text=_one_of(ConsentChannel) + " Empty until recorded.")
    escalated_to = CaseNumberSerializer(allow_null=True, help_text="The referral for procesregie, if any.")
    version = serializers.IntegerField(help_text="Send back with consent, release and escalation.")
    notices = NoticeSerializer(many=True)
    information = InformationSerializer(many=True)
    conditions = ConditionSerializer(many=True)
    tasks = ReleaseTaskSerializer(many=True)
    guidance = GuidanceEpisodeSerializer(many=True, help_text="The latest episode first.")

    class Meta:
        model = AftercareFile
        fields = ["id", "number", "status", "closure_reason", "coordinator", "person", "municipality"]
        fields += ["consent", "consent_on", "consent_channel", "consent_note", "expected_release_on"]
        fields += ["released_on", "escalated_to", "version", "notices", "information", "conditions"]
        fields += ["tasks", "guidance"]


class AftercareStateSerializer(serializers.ModelSerializer):
    """The aftercare case's own fields after a change: consent, release and its version."""

    id = serializers.IntegerField(source="case_id", help_text="The id of the case.")
    status = _plain(CaseStatus, source="case.status")
    consent = _plain(Consent)
    consent_channel = serializers.CharField()
    version = serializers.IntegerField(help_text="Send with the next change.")
    tasks = ReleaseTaskSerializer(many=True)

    class Meta:
        model = AftercareFile
        fields = ["id", "status", "consent", "consent_on", "consent_channel", "consent_note"]
        fields += ["expected_release_on", "released_on", "version", "tasks"]


# --- Changes ------------------------------------------------------------------------------------------


class ConsentSerializer(_VersionedSerializer):
    consent = PlainChoiceField(
        Consent,
        help_text="given or refused. Refused closes the case as 'no aftercare wanted'.",
    )
    on = serializers.DateField()
    channel = PlainChoiceField(ConsentChannel)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InformationWriteSerializer(serializers.Serializer):
    source = PlainChoiceField(InformationSource)
    received_on = serializers.DateField()
    content = serializers.CharField(allow_blank=True, help_text="Only what the aftercare needs.")


class ConditionWriteSerializer(_VersionedSerializer):
    """Send only what changes, and always the version."""

    version = serializers.IntegerField(help_text="The condition's version you started from; required.")

    at_intake = PlainChoiceField(ConditionState, required=False)
    intake_note = serializers.CharField(required=False, allow_blank=True)
    at_release = PlainChoiceField(ConditionState, required=False)
    release_note = serializers.CharField(required=False, allow_blank=True)
    after_three_months = PlainChoiceField(ConditionState, required=False)
    after_note = serializers.CharField(required=False, allow_blank=True)

    def changes(self) -> dict[str, str]:
        return {name: value for name, value in self.validated_data.items() if name != "version"}


class ConditionActionWriteSerializer(serializers.Serializer):
    what = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField()
    owner_partner = _code_field(Partner, required=False, allow_null=True, default=None)
    owner_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Someone without an account."
    )


class ReleaseSerializer(_VersionedSerializer):
    released_on = serializers.DateField()


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}]})
class GuidanceWorkerField(serializers.Field):
    """A guidance worker by username or by id; whether he may guide is for the service to say."""

    default_error_messages = {"unknown": _("Choose an active guidance worker.")}

    def to_internal_value(self, data: Any) -> User:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("unknown")
        accounts = User.objects.filter(is_active=True)
        worker = accounts.filter(username=str(data)).first()
        if worker is None and str(data).isdigit():
            worker = accounts.filter(pk=int(data)).first()
        if worker is None:
            self.fail("unknown")
        return worker

    def to_representation(self, value: User) -> str:
        return value.username


class GuidanceStartSerializer(serializers.Serializer):
    worker = GuidanceWorkerField(help_text="The guidance worker's username or id.")
    reason = serializers.CharField(allow_blank=True, help_text="Why regular aftercare falls short.")
    started_on = serializers.DateField(required=False, help_text="Today when left out.")
    goals = serializers.ListField(child=serializers.CharField(allow_blank=True), allow_empty=True)


class GuidanceContactWriteSerializer(serializers.Serializer):
    contacted_on = serializers.DateField()
    kind = PlainChoiceField(GuidanceContact.Kind)
    minutes = serializers.IntegerField(min_value=0, max_value=24 * 60, required=False, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class GuidanceEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, help_text="Today when left out.")
    result = serializers.CharField(required=False, allow_blank=True, default="")


class EscalateSerializer(_VersionedSerializer):
    concerns = serializers.CharField(allow_blank=True, help_text="Why procesregie is necessary.")
    main_topic = _code_field(MainTopic)
    referrer_partner = _code_field(Partner, help_text="The organisation that refers, e.g. the bureau's.")
    referrer_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    referrer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    problem_areas = _code_field(ProblemArea, many=True, required=False, default=list)

    def to_data(self) -> services.EscalationData:
        data = {name: value for name, value in self.validated_data.items() if name != "version"}
        return services.EscalationData(**data)
