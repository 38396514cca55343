"""Procesregie API endpoints: the caseload, the action plan, case meetings, escalation, handover,
closure and advice; the same selectors, services and access layer as the screens.

Every endpoint on a case opens it through `case_open`, which logs the read and answers 404 for a case
one may not see. Changes are for the case's procesregisseur while it is active (`access.may_work_on`):
anyone else gets the 404 of a case he cannot see, logged as denied, as the screens do. A change based on
an old version answers 409 and changes nothing; a service's refusal answers 400 with the messages per
field, in Dutch.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases import advice, case_meetings, coordination, plans
from cases.api import serializers_procesregie as s
from cases.api.errors import service_errors
from cases.api.views import HasCapability, LoggedListMixin
from cases.models import ActionPlan, Agreement, AnonymousAdvice, Case, CaseMeeting, Goal
from cases.reading import case_open, case_open_to_work_on
from zvhd.accounts.capabilities import Capability
from zvhd.audit.services import client_ip


class RefusalSerializer(serializers.Serializer):
    """An error body without a field: not found, not allowed, or changed by someone else."""

    detail = serializers.CharField()


FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="The messages per field, in Dutch.")
NOT_FOUND = OpenApiResponse(RefusalSerializer, description="Not there, or not yours to see or change.")
CONFLICT = OpenApiResponse(
    RefusalSerializer, description="Someone else changed it since the version you sent; nothing changed."
)


def _valid(serializer_class: type, request: Request, **context: Any) -> Any:
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer


def _case_of(model: type[Model], pk: object, case_path: str) -> object:
    """The id of the case an object belongs to, to open that case through the access layer."""
    try:
        case_id = model.objects.filter(pk=pk).values_list(case_path, flat=True).first()
    except (ValueError, TypeError):
        case_id = None
    if case_id is None:
        raise Http404
    return case_id


class ProcesregieEndpoint(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, HasCapability]
    capability = Capability.CASE_VIEW
    filter_backends: list[type] = []


# --- Mijn casussen ------------------------------------------------------------------------------------


class MyCasesView(LoggedListMixin, ProcesregieEndpoint, generics.ListAPIView):
    """The cases you run that are not closed, with their counts of open and overdue agreements."""

    capability = Capability.MY_CASES
    serializer_class = s.MyCaseSerializer
    list_object_type = "my_cases"

    def get_queryset(self) -> QuerySet[Case]:
        query = s.MyCasesQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        cases = coordination.my_cases(
            user=self.request.user,
            sort=filters["sort"],
            kind=filters["kind"],
            label=filters["label"],
            overdue_only=filters["overdue"],
        )
        return cases.select_related("referral__referrer_partner")

    @extend_schema(parameters=[s.MyCasesQuerySerializer], responses={200: s.MyCaseSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# --- The action plan ----------------------------------------------------------------------------------


def _agreement_read(pk: int) -> Agreement:
    return Agreement.objects.select_related("goal__plan", "owner", "owner_partner").get(pk=pk)


class CasePlanView(ProcesregieEndpoint):
    """The action plan of every subject of the case, with goals and agreements; for everyone who may
    open the case."""

    queryset = Case.objects.none()  # for the schema only: the case comes from the access layer

    @extend_schema(responses={200: s.CasePlanSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        case = case_open(request, pk, channel="api")
        context = plans.plan_page_context(case=case, user=request.user)
        body = {
            "can_edit": context.get("can_edit_plan", False),
            "subjects": context.get("plan_entries", []),
        }
        return Response(s.CasePlanSerializer(body).data)


class GoalCreateView(ProcesregieEndpoint):
    """Add a goal in a life domain to a subject's plan (the plan starts at version 1 on first use)."""

    queryset = Case.objects.none()

    @extend_schema(
        request=s.GoalWriteSerializer,
        responses={201: s.GoalAddedSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_open_to_work_on(request, pk, object_type="goal", channel="api")
        serializer = _valid(s.GoalWriteSerializer, request, case=case)
        subject = serializer.validated_data["subject"]
        origin = client_ip(request)
        with service_errors():
            plan = ActionPlan.objects.filter(subject=subject).first() or plans.plan_for_subject(
                subject=subject, by=request.user, origin=origin
            )
            goal = plans.goal_add(
                plan=plan,
                by=request.user,
                version=serializer.validated_data["version"],
                data=serializer.to_data(),
                origin=origin,
            )
        goal = (
            Goal.objects.select_related("plan", "life_domain")
            .prefetch_related(
                Prefetch("agreements", queryset=Agreement.objects.select_related("owner", "owner_partner"))
            )
            .get(pk=goal.pk)
        )
        return Response(s.GoalAddedSerializer(goal).data, status=status.HTTP_201_CREATED)


class AgreementCreateView(ProcesregieEndpoint):
    """Make an agreement under a goal: what, who owns it (a partner, a person or both), by when."""

    queryset = Goal.objects.none()

    @extend_schema(
        request=s.AgreementAddSerializer,
        responses={201: s.AgreementAddedSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_open_to_work_on(
            request, _case_of(Goal, pk, "plan__case_id"), object_type="agreement", channel="api"
        )
        goal = get_object_or_404(Goal.objects.select_related("plan"), pk=pk, plan__case=case)
        serializer = _valid(s.AgreementAddSerializer, request)
        with service_errors():
            agreement = plans.agreement_add(
                goal=goal,
                by=request.user,
                version=serializer.validated_data["version"],
                data=serializer.to_data(),
                origin=client_ip(request),
            )
        body = s.AgreementAddedSerializer(_agreement_read(agreement.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


def _agreement_to_work_on(request: Request, pk: int) -> Agreement:
    case = case_open_to_work_on(
        request, _case_of(Agreement, pk, "case_id"), object_type="agreement", channel="api"
    )
    return get_object_or_404(Agreement.objects.select_related("goal__plan"), pk=pk, case=case)


class AgreementCompleteView(ProcesregieEndpoint):
    """Mark an agreement as done. Done already: nothing changes, and the answer is the same."""

    queryset = Agreement.objects.none()

    @extend_schema(
        request=s.VersionSerializer,
        responses={200: s.AgreementReadSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        agreement = _agreement_to_work_on(request, pk)
        version = _valid(s.VersionSerializer, request).validated_data["version"]
        with service_errors():
            plans.agreement_complete(
                agreement=agreement, by=request.user, version=version, origin=client_ip(request)
            )
        return Response(s.AgreementReadSerializer(_agreement_read(pk)).data)


class AgreementNotDoneView(ProcesregieEndpoint):
    """Record that an agreement was not done, with the reason why."""

    queryset = Agreement.objects.none()

    @extend_schema(
        request=s.AgreementNotDoneSerializer,
        responses={200: s.AgreementReadSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        agreement = _agreement_to_work_on(request, pk)
        data = _valid(s.AgreementNotDoneSerializer, request).validated_data
        with service_errors():
            plans.agreement_not_done(
                agreement=agreement,
                by=request.user,
                version=data["version"],
                reason=data["reason"],
                origin=client_ip(request),
            )
        return Response(s.AgreementReadSerializer(_agreement_read(pk)).data)


# --- Case meetings ------------------------------------------------------------------------------------


class CaseMeetingListCreateView(ProcesregieEndpoint):
    """The case's meetings (for everyone who may open the case), or plan a new one."""

    queryset = Case.objects.none()

    @extend_schema(responses={200: s.CaseMeetingsSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        case = case_open(request, pk, channel="api")
        context = case_meetings.meetings_page_context(case=case, user=request.user)
        body = {
            "can_plan": context.get("can_plan_meetings", False),
            "upcoming": context.get("meetings_upcoming", []),
            "held": context.get("meetings_held", []),
        }
        return Response(s.CaseMeetingsSerializer(body).data)

    @extend_schema(
        request=s.CaseMeetingPlanSerializer,
        responses={201: s.CaseMeetingSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_open_to_work_on(request, pk, object_type="case_meeting", channel="api")
        serializer = _valid(s.CaseMeetingPlanSerializer, request)
        data = serializer.validated_data
        with service_errors():
            meeting = case_meetings.case_meeting_plan(
                case=case,
                by=request.user,
                starts_at=data["starts_at"],
                location=data["location"],
                agenda=data["agenda"],
                invitees=serializer.invitee_data(),
                origin=client_ip(request),
            )
        meeting = case_meetings.case_meeting_get(case=case, pk=meeting.pk)
        return Response(s.CaseMeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class CaseMeetingRecordView(ProcesregieEndpoint):
    """Record a meeting as held: attendance, minutes, and every decision as an agreement of the plan.
    All of it, or on any error none of it."""

    queryset = CaseMeeting.objects.none()

    @extend_schema(
        request=s.CaseMeetingRecordSerializer,
        responses={200: s.CaseMeetingSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_open_to_work_on(
            request, _case_of(CaseMeeting, pk, "case_id"), object_type="case_meeting", channel="api"
        )
        try:
            meeting = case_meetings.case_meeting_get(case=case, pk=pk)
        except CaseMeeting.DoesNotExist:
            raise Http404 from None
        serializer = _valid(s.CaseMeetingRecordSerializer, request, case=case)
        with service_errors():
            case_meetings.case_meeting_record(
                meeting=meeting,
                by=request.user,
                version=serializer.validated_data["version"],
                attendance=serializer.attendance_map(),
                minutes=serializer.validated_data["minutes"],
                decisions=serializer.decision_data(),
                origin=client_ip(request),
            )
        meeting = case_meetings.case_meeting_get(case=case, pk=pk)
        return Response(s.CaseMeetingSerializer(meeting).data)


# --- Escalation, handover and closure -----------------------------------------------------------------


class EscalationCreateView(ProcesregieEndpoint):
    """The case is stuck: record to whom it was escalated, why, and the AVE phase around it."""

    queryset = Case.objects.none()

    @extend_schema(
        request=s.EscalationSerializer,
        responses={201: s.EscalationSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_open_to_work_on(request, pk, object_type="escalation", channel="api")
        serializer = _valid(s.EscalationSerializer, request)
        with service_errors():
            escalation = coordination.escalation_record(
                case=case, by=request.user, data=serializer.to_data(), origin=client_ip(request)
            )
        return Response(s.EscalationSerializer(escalation).data, status=status.HTTP_201_CREATED)


class HandoverCreateView(ProcesregieEndpoint):
    """Procesregie goes to a local party; the case stays open until it is closed."""

    queryset = Case.objects.none()

    @extend_schema(
        request=s.HandoverSerializer,
        responses={201: s.HandoverSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_open_to_work_on(request, pk, object_type="handover", channel="api")
        serializer = _valid(s.HandoverSerializer, request)
        with service_errors():
            handover = coordination.handover_record(
                case=case, by=request.user, data=serializer.to_data(), origin=client_ip(request)
            )
        return Response(s.HandoverSerializer(handover).data, status=status.HTTP_201_CREATED)


class CaseCloseView(ProcesregieEndpoint):
    """Close the case with an evaluation; every participant's access ends."""

    queryset = Case.objects.none()

    @extend_schema(
        request=s.CaseCloseSerializer,
        responses={200: s.ClosedCaseSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_open_to_work_on(request, pk, object_type="case", channel="api")
        data = _valid(s.CaseCloseSerializer, request).validated_data
        with service_errors():
            case = coordination.case_close_with_evaluation(
                case=case,
                by=request.user,
                reason=data["reason"],
                evaluation=data["evaluation"],
                origin=client_ip(request),
            )
        return Response(s.ClosedCaseSerializer(case).data)


# --- Advice -------------------------------------------------------------------------------------------


def _year(request: Request) -> int | None:
    query = s.AdviceYearSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("year")


class AdviceEndpoint(ProcesregieEndpoint):
    capability = Capability.ADVICE_REGISTER


class AnonymousAdviceListCreateView(AdviceEndpoint, generics.ListAPIView):
    """Anonymous advice trajectories, newest first (of one year with `?year=`); or record one.

    They hold no personal data, so they are not in the access log."""

    serializer_class = s.AnonymousAdviceSerializer

    def get_queryset(self) -> QuerySet[AnonymousAdvice]:
        records = AnonymousAdvice.objects.select_related("partner", "municipality", "main_topic", "given_by")
        year = _year(self.request)
        return records if year is None else records.filter(asked_on__year=year)

    @extend_schema(parameters=[s.AdviceYearSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.AnonymousAdviceSerializer,
        responses={201: s.AnonymousAdviceSerializer, 400: FIELD_ERRORS},
        description="Question and advice are refused (400) when they contain a BSN, a date of birth or "
        "a name.",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.AnonymousAdviceSerializer, request).validated_data
        with service_errors():
            record = advice.anonymous_advice_record(by=request.user, **data)
        return Response(s.AnonymousAdviceSerializer(record).data, status=status.HTTP_201_CREATED)


class InformationContactCreateView(AdviceEndpoint):
    """Log a contact moment of the information desk."""

    @extend_schema(
        request=s.InformationContactSerializer,
        responses={201: s.InformationContactSerializer, 400: FIELD_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.InformationContactSerializer, request).validated_data
        with service_errors():
            contact = advice.information_contact_record(by=request.user, **data)
        return Response(s.InformationContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class AdviceCountsView(AdviceEndpoint):
    """The advice figures of a calendar year, as the advice page and the annual report count them."""

    @extend_schema(
        parameters=[s.AdviceYearSerializer], responses={200: s.AdviceCountsSerializer, 400: FIELD_ERRORS}
    )
    def get(self, request: Request) -> Response:
        year = _year(request) or timezone.localdate().year
        body = {"year": year} | advice.advice_counts(year=year)
        return Response(s.AdviceCountsSerializer(body).data)
