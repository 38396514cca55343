"""API representations of referrals and cases. Reference data is addressed by its stable `code`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from cases.models import Case, CaseEvent, Person, Referral, Subject
from cases.services import ReferralData, SubjectData, referral_data_errors, subjects_data_errors
from cases.validators import validate_bsn
from zvhd.reference.models import (
    AcceptanceCriterion,
    CrossBorderScope,
    MainTopic,
    Municipality,
    Partner,
    ProblemArea,
)


def _code_field(model: type, **kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=model.objects.active(), **kwargs)


def nest_errors(errors: dict[str, list[str]]) -> dict[str, Any]:
    """Turn service error keys of list rows ("subjects.1.bsn", "decisions.0.what") into DRF's nested
    shape ({"subjects": {1: {"bsn": …}}}); the subjects' own list error is "subjects_errors"."""
    nested: dict[str, Any] = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit():
            nested.setdefault(parts[0], {}).setdefault(int(parts[1]), {})[parts[2]] = list(messages)
        elif key == "subjects":
            nested["subjects_errors"] = list(messages)
        else:
            nested[key] = list(messages)
    return nested


class SubjectWriteSerializer(serializers.Serializer):
    is_primary = serializers.BooleanField(default=False)
    first_name = serializers.CharField(max_length=100)
    name_prefix = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    gender = serializers.ChoiceField(choices=Person.Gender.choices, default=Person.Gender.UNKNOWN)
    bsn = serializers.CharField(required=False, allow_blank=True, default="", validators=[validate_bsn])
    municipality = _code_field(Municipality)
    relation = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def to_data(self, attrs: dict[str, Any]) -> SubjectData:
        return SubjectData(**attrs)


class ReferralWriteSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    referrer_partner = _code_field(Partner)
    referrer_name = serializers.CharField(max_length=200)
    referrer_role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    referrer_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    referrer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    concerns = serializers.CharField()
    main_topic = _code_field(MainTopic)
    problem_areas = _code_field(ProblemArea, many=True, required=False, default=list)
    cross_border = _code_field(CrossBorderScope, many=True, required=False, default=list)
    acceptance_criteria = _code_field(AcceptanceCriterion, many=True, required=False, default=list)
    minors_in_system = serializers.ChoiceField(
        choices=Referral.MinorsInSystem.choices, default=Referral.MinorsInSystem.UNKNOWN
    )
    subject_informed = serializers.BooleanField()
    subject_not_informed_reason = serializers.CharField(required=False, allow_blank=True, default="")
    under_wet_parta = serializers.BooleanField(
        default=False, help_text="Radicalisation or terrorism: the case falls in the Wet parta compartment."
    )
    subjects = SubjectWriteSerializer(many=True, allow_empty=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        subjects = [SubjectData(**subject) for subject in attrs["subjects"]]
        referral = ReferralData(**{key: value for key, value in attrs.items() if key != "subjects"})
        errors = referral_data_errors(referral) | subjects_data_errors(subjects)
        if errors:
            raise serializers.ValidationError(nest_errors(errors))
        attrs["referral_data"] = referral
        attrs["subject_data"] = subjects
        return attrs


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MainSubjectSerializer(serializers.Serializer):
    name = serializers.CharField(source="person.full_name")
    municipality = CodeNameSerializer()


class CaseListSerializer(serializers.ModelSerializer):
    received_on = serializers.DateField(source="referral.received_on", allow_null=True)
    referrer_partner = CodeNameSerializer(source="referral.referrer_partner", allow_null=True)
    main_topic = CodeNameSerializer(source="referral.main_topic", allow_null=True)
    main_subject = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "status",
            "kind",
            "received_on",
            "referrer_partner",
            "main_topic",
            "main_subject",
        ]

    def get_main_subject(self, case: Case) -> dict[str, Any] | None:
        subjects = getattr(case, "primary_subjects", None)
        if not subjects:
            return None
        return MainSubjectSerializer(subjects[0]).data


class SubjectReadSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.full_name")
    date_of_birth = serializers.DateField(source="person.date_of_birth", allow_null=True)
    age = serializers.SerializerMethodField()
    gender = serializers.CharField(source="person.gender")
    bsn_masked = serializers.CharField(source="person.bsn_masked")
    municipality = CodeNameSerializer()

    class Meta:
        model = Subject
        fields = [
            "name",
            "is_primary",
            "date_of_birth",
            "age",
            "gender",
            "bsn_masked",
            "municipality",
            "relation",
        ]

    def get_age(self, subject: Subject) -> int | None:
        return subject.person.age_on(timezone.localdate())


class ReferralReadSerializer(serializers.ModelSerializer):
    referrer_partner = CodeNameSerializer()
    main_topic = CodeNameSerializer()
    problem_areas = CodeNameSerializer(many=True)
    cross_border = CodeNameSerializer(many=True)
    acceptance_criteria = CodeNameSerializer(many=True)

    class Meta:
        model = Referral
        fields = [
            "received_on",
            "referrer_partner",
            "referrer_name",
            "referrer_role",
            "referrer_phone",
            "referrer_email",
            "concerns",
            "main_topic",
            "problem_areas",
            "cross_border",
            "minors_in_system",
            "subject_informed",
            "subject_not_informed_reason",
            "acceptance_criteria",
            "registered_at",
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = CaseEvent
        fields = ["kind", "occurred_at", "actor", "payload"]


class CaseDetailSerializer(serializers.ModelSerializer):
    # Declared, not derived from the model: the derived field's maximum depends on the database vendor.
    version = serializers.IntegerField(read_only=True, help_text="Send back when changing the case.")
    subjects = SubjectReadSerializer(many=True)
    referral = ReferralReadSerializer(allow_null=True)
    events = CaseEventSerializer(many=True)

    class Meta:
        model = Case
        fields = ["id", "number", "status", "kind", "intensity", "legal_basis", "created_at", "version"]
        fields += ["subjects", "referral", "events"]
