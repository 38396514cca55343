"""Aftercare API endpoints: detention notices, the aftercare caseload and the case file; the same services
and access layer as the screens.

An aftercare case is addressed by the id of its case and opened through `case_open`, which logs the read
and answers 404 for a case one may not see (or one that is not an aftercare case). Changes are for the
case's nazorgcoördinator while it is active (`access.may_work_on`); the guidance worker of a running
episode may also record its contacts. Anyone else gets the 404 of a case he cannot see, logged as
denied. A change based on an old version answers 409 and changes nothing; a service's refusal answers
400 with the messages per field, in Dutch.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from aftercare import services
from aftercare.api import serializers as s
from aftercare.models import (
    AftercareFile,
    AftercareInformation,
    BasicCondition,
    ConditionAction,
    ConditionKind,
    DetentionNotice,
    GuidanceContact,
    GuidanceEpisode,
    ReleaseTask,
)
from cases.access import cases_visible_to
from cases.api.errors import service_errors
from cases.api.views import HasCapability, LoggedListMixin
from cases.api.views_procesregie import CONFLICT, FIELD_ERRORS, NOT_FOUND
from cases.models import Case
from cases.reading import case_change_refused, case_open, case_open_to_work_on, cases_listed
from cases.selectors import primary_subjects_prefetch
from cases.workflow import CaseStatus
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.models import User
from zvhd.audit.services import client_ip

CONDITION_KIND = OpenApiParameter(
    "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=ConditionKind.values, description="The condition."
)


def _valid(serializer_class: type, request: Request, **kwargs: Any) -> Any:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


# --- Reads --------------------------------------------------------------------------------------------


def aftercare_cases(*, user: User) -> QuerySet[Case]:
    """The aftercare cases `user` may see, newest first, with what a list shows in a fixed number of
    queries (the main subject for the access log)."""
    return (
        cases_visible_to(user)
        .filter(kind=Case.Kind.AFTERCARE, aftercare__isnull=False)
        .select_related(
            "coordinator", "aftercare__person", "aftercare__municipality", "aftercare__escalated_to"
        )
        .prefetch_related(primary_subjects_prefetch())
        .order_by("-created_at", "-id")
    )


def _case_file(aftercare: AftercareFile) -> AftercareFile:
    """The aftercare case with everything it holds, in a fixed number of queries."""
    actions = ConditionAction.objects.select_related("owner_partner", "created_by")
    episodes = GuidanceEpisode.objects.select_related("worker", "started_by").prefetch_related(
        "goals", Prefetch("contacts", queryset=GuidanceContact.objects.select_related("recorded_by"))
    )
    return (
        AftercareFile.objects.select_related("case__coordinator", "person", "municipality", "escalated_to")
        .prefetch_related(
            "notices",
            Prefetch("information", queryset=AftercareInformation.objects.select_related("recorded_by")),
            Prefetch(
                "conditions",
                queryset=BasicCondition.objects.order_by("id").prefetch_related(
                    Prefetch("actions", queryset=actions)
                ),
            ),
            Prefetch("tasks", queryset=ReleaseTask.objects.select_related("done_by")),
            Prefetch("guidance", queryset=episodes),
        )
        .get(pk=aftercare.pk)
    )


def _state(aftercare: AftercareFile) -> dict[str, Any]:
    fresh = AftercareFile.objects.select_related("case").prefetch_related(
        Prefetch("tasks", queryset=ReleaseTask.objects.select_related("done_by"))
    )
    return s.AftercareStateSerializer(fresh.get(pk=aftercare.pk)).data


def _file_of(case: Case) -> AftercareFile:
    aftercare = AftercareFile.objects.filter(case=case).first()
    if aftercare is None:
        raise Http404
    aftercare.case = case
    return aftercare


def _aftercare_to_read(request: Request, pk: int) -> AftercareFile:
    return _file_of(case_open(request, pk, channel="api"))


def _aftercare_to_work_on(request: Request, pk: int, *, object_type: str) -> AftercareFile:
    return _file_of(case_open_to_work_on(request, pk, object_type=object_type, channel="api"))


def _condition(aftercare: AftercareFile, kind: str) -> BasicCondition:
    condition = get_object_or_404(BasicCondition, aftercare=aftercare, kind=kind)
    condition.aftercare = aftercare
    return condition


class AftercareEndpoint(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, HasCapability]
    capability = Capability.AFTERCARE
    filter_backends: list[type] = []
    queryset = Case.objects.none()  # for the schema only: the case comes from the access layer


# --- The caseload and the case file -------------------------------------------------------------------


class AftercareCaseListView(LoggedListMixin, AftercareEndpoint, generics.ListAPIView):
    """The aftercare cases you may see (those you run, or take part in as guidance worker), newest
    first."""

    serializer_class = s.AftercareCaseListSerializer
    list_object_type = "aftercare_cases"

    def get_queryset(self) -> QuerySet[Case]:
        query = s.AftercareCasesQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        cases = aftercare_cases(user=self.request.user)
        if filters["status"] == "open":
            cases = cases.exclude(status=CaseStatus.CLOSED)
        elif filters["status"] == "closed":
            cases = cases.filter(status=CaseStatus.CLOSED)
        if filters["municipality"] is not None:
            cases = cases.filter(aftercare__municipality=filters["municipality"])
        return cases

    @extend_schema(
        parameters=[s.AftercareCasesQuerySerializer],
        responses={200: s.AftercareCaseListSerializer(many=True), 400: FIELD_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class AftercareCaseDetailView(AftercareEndpoint):
    """One aftercare case: notices, consent, the five basic conditions with their actions, release tasks,
    information per source and guidance episodes with goals and contacts."""

    @extend_schema(responses={200: s.AftercareCaseSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        aftercare = _aftercare_to_read(request, pk)
        return Response(s.AftercareCaseSerializer(_case_file(aftercare)).data)


# --- Detention notices --------------------------------------------------------------------------------


class NoticeListCreateView(AftercareEndpoint, generics.ListAPIView):
    """The detention notices on aftercare cases you may see, most recently received first; or register
    one."""

    serializer_class = s.NoticeListSerializer

    def get_queryset(self) -> QuerySet[DetentionNotice]:
        visible = cases_visible_to(self.request.user).filter(kind=Case.Kind.AFTERCARE).values("pk")
        return (
            DetentionNotice.objects.filter(aftercare__case__in=visible)
            .select_related("aftercare__case", "aftercare__person")
            .prefetch_related(primary_subjects_prefetch("aftercare__case__"))
            .order_by("-received_on", "-id")
        )

    def paginate_queryset(self, queryset: QuerySet[DetentionNotice]) -> list[DetentionNotice] | None:
        page = super().paginate_queryset(queryset)
        self._listed = list(page or [])
        return page

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        cases = {notice.aftercare.case_id: notice.aftercare.case for notice in self._listed}
        cases_listed(request, object_type="detention_notices", cases=cases.values(), detail="api")
        return response

    @extend_schema(responses={200: s.NoticeListSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.NoticeWriteSerializer,
        responses={201: s.NoticeRegisteredSerializer, 400: FIELD_ERRORS},
        description="A new reference opens an aftercare case run by you (or goes on the person's open "
        "aftercare case); a known reference updates that notice or leaves it unchanged. A municipality "
        "the bureau does no aftercare for is refused at `municipality`, naming who is responsible.",
    )
    def post(self, request: Request) -> Response:
        serializer = _valid(s.NoticeWriteSerializer, request)
        with service_errors():
            notice, outcome = services.notice_register(
                by=request.user, data=serializer.to_data(), origin=client_ip(request)
            )
        case_id = notice.aftercare.case_id
        visible = cases_visible_to(request.user).filter(pk=case_id).exists()
        body = {
            "id": notice.pk,
            "reference": notice.reference,
            "case": case_id if visible else None,
            "outcome": outcome,
        }
        return Response(s.NoticeRegisteredSerializer(body).data, status=status.HTTP_201_CREATED)


# --- Consent, information, release --------------------------------------------------------------------


class ConsentView(AftercareEndpoint):
    """Record whether he accepts help. Refused: the case closes as 'no aftercare wanted'."""

    @extend_schema(
        request=s.ConsentSerializer,
        responses={200: s.AftercareStateSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="consent")
        data = _valid(s.ConsentSerializer, request).validated_data
        with service_errors():
            services.consent_record(aftercare=aftercare, by=request.user, origin=client_ip(request), **data)
        return Response(_state(aftercare))


class InformationCreateView(AftercareEndpoint):
    """Add information from DJI, probation or the municipality: only what the aftercare needs."""

    @extend_schema(
        request=s.InformationWriteSerializer,
        responses={201: s.InformationSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="aftercare_information")
        data = _valid(s.InformationWriteSerializer, request).validated_data
        with service_errors():
            record = services.information_add(
                aftercare=aftercare, by=request.user, origin=client_ip(request), **data
            )
        return Response(s.InformationSerializer(record).data, status=status.HTTP_201_CREATED)


class ReleaseView(AftercareEndpoint):
    """He has been released: the tasks after release count from this day."""

    @extend_schema(
        request=s.ReleaseSerializer,
        responses={200: s.AftercareStateSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="release")
        data = _valid(s.ReleaseSerializer, request).validated_data
        with service_errors():
            services.release_record(aftercare=aftercare, by=request.user, origin=client_ip(request), **data)
        return Response(_state(aftercare))


class ReleaseTaskDoneView(AftercareEndpoint):
    """Mark a release task as done. Done already: nothing changes, and the answer is the same."""

    @extend_schema(request=None, responses={200: s.ReleaseTaskSerializer, 404: NOT_FOUND})
    def post(self, request: Request, pk: int, task_id: int) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="release_task")
        task = get_object_or_404(ReleaseTask, pk=task_id, aftercare=aftercare)
        with service_errors():
            services.release_task_done(task=task, by=request.user, origin=client_ip(request))
        task = ReleaseTask.objects.select_related("done_by").get(pk=task_id)
        return Response(s.ReleaseTaskSerializer(task).data)


# --- The five basic conditions ------------------------------------------------------------------------


def _condition_read(pk: int) -> BasicCondition:
    actions = ConditionAction.objects.select_related("owner_partner", "created_by")
    return BasicCondition.objects.prefetch_related(Prefetch("actions", queryset=actions)).get(pk=pk)


class ConditionView(AftercareEndpoint):
    """Change the situation of one basic condition at intake, at release or three months after; send
    only what changes."""

    @extend_schema(
        parameters=[CONDITION_KIND],
        request=s.ConditionWriteSerializer,
        responses={200: s.ConditionSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def patch(self, request: Request, pk: int, kind: str) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="basic_condition")
        condition = _condition(aftercare, kind)
        serializer = _valid(s.ConditionWriteSerializer, request)
        with service_errors():
            services.condition_update(
                condition=condition,
                by=request.user,
                version=serializer.validated_data["version"],
                data=serializer.changes(),
                origin=client_ip(request),
            )
        return Response(s.ConditionSerializer(_condition_read(condition.pk)).data)


class ConditionActionCreateView(AftercareEndpoint):
    """Agree an action on a basic condition: what, who (an organisation or a person), by when."""

    @extend_schema(
        parameters=[CONDITION_KIND],
        request=s.ConditionActionWriteSerializer,
        responses={201: s.ConditionActionSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int, kind: str) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="condition_action")
        condition = _condition(aftercare, kind)
        data = _valid(s.ConditionActionWriteSerializer, request).validated_data
        with service_errors():
            action = services.condition_action_add(
                condition=condition, by=request.user, origin=client_ip(request), **data
            )
        action = ConditionAction.objects.select_related("owner_partner", "created_by").get(pk=action.pk)
        return Response(s.ConditionActionSerializer(action).data, status=status.HTTP_201_CREATED)


class ConditionActionDoneView(AftercareEndpoint):
    """Mark an action on a basic condition as done. Done already: nothing changes."""

    @extend_schema(request=None, responses={200: s.ConditionActionSerializer, 404: NOT_FOUND})
    def post(self, request: Request, pk: int, action_id: int) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="condition_action")
        action = get_object_or_404(ConditionAction, pk=action_id, condition__aftercare=aftercare)
        with service_errors():
            services.condition_action_done(action=action, by=request.user, origin=client_ip(request))
        action = ConditionAction.objects.select_related("owner_partner", "created_by").get(pk=action_id)
        return Response(s.ConditionActionSerializer(action).data)


# --- Guidance -----------------------------------------------------------------------------------------


def _episode_read(pk: int) -> GuidanceEpisode:
    return (
        GuidanceEpisode.objects.select_related("worker", "started_by")
        .prefetch_related(
            "goals", Prefetch("contacts", queryset=GuidanceContact.objects.select_related("recorded_by"))
        )
        .get(pk=pk)
    )


class GuidanceStartView(AftercareEndpoint):
    """Start outreach guidance; the guidance worker takes part in the case while the episode runs."""

    @extend_schema(
        request=s.GuidanceStartSerializer,
        responses={201: s.GuidanceEpisodeSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="guidance")
        data = _valid(s.GuidanceStartSerializer, request).validated_data
        with service_errors():
            episode = services.guidance_start(
                aftercare=aftercare,
                by=request.user,
                worker=data["worker"],
                reason=data["reason"],
                started_on=data.get("started_on") or timezone.localdate(),
                goals=data["goals"],
                origin=client_ip(request),
            )
        return Response(
            s.GuidanceEpisodeSerializer(_episode_read(episode.pk)).data, status=status.HTTP_201_CREATED
        )


def _episode_of(aftercare: AftercareFile, episode_id: int) -> GuidanceEpisode:
    episode = get_object_or_404(GuidanceEpisode, pk=episode_id, aftercare=aftercare)
    episode.aftercare = aftercare
    return episode


class GuidanceContactCreateView(AftercareEndpoint):
    """Record a contact of a running guidance episode: for the nazorgcoördinator and for the episode's
    guidance worker."""

    @extend_schema(
        request=s.GuidanceContactWriteSerializer,
        responses={201: s.GuidanceContactSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int, episode_id: int) -> Response:
        aftercare = _aftercare_to_read(request, pk)
        episode = _episode_of(aftercare, episode_id)
        if not services.may_record_guidance_contact(request.user, aftercare.case, episode):
            raise case_change_refused(request, aftercare.case, object_type="guidance_contact", channel="api")
        data = _valid(s.GuidanceContactWriteSerializer, request).validated_data
        with service_errors():
            contact = services.guidance_contact_add(
                episode=episode, by=request.user, origin=client_ip(request), **data
            )
        contact = GuidanceContact.objects.select_related("recorded_by").get(pk=contact.pk)
        return Response(s.GuidanceContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class GuidanceEndView(AftercareEndpoint):
    """End a guidance episode with its result; the guidance worker's part in the case ends with it.
    Ended already: nothing changes."""

    @extend_schema(
        request=s.GuidanceEndSerializer,
        responses={200: s.GuidanceEpisodeSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int, episode_id: int) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="guidance")
        episode = _episode_of(aftercare, episode_id)
        data = _valid(s.GuidanceEndSerializer, request).validated_data
        with service_errors():
            services.guidance_end(
                episode=episode,
                by=request.user,
                ended_on=data.get("ended_on") or timezone.localdate(),
                result=data["result"],
                origin=client_ip(request),
            )
        return Response(s.GuidanceEpisodeSerializer(_episode_read(episode.pk)).data)


# --- Escalation ---------------------------------------------------------------------------------------


class EscalateView(AftercareEndpoint):
    """Turn a threatening aftercare case into a referral for the ketenkamer, linked both ways; the
    aftercare case goes on."""

    @extend_schema(
        request=s.EscalateSerializer,
        responses={201: s.CaseNumberSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        aftercare = _aftercare_to_work_on(request, pk, object_type="escalation")
        serializer = _valid(s.EscalateSerializer, request)
        with service_errors():
            referral = services.escalate_to_procesregie(
                aftercare=aftercare,
                by=request.user,
                version=serializer.validated_data["version"],
                data=serializer.to_data(),
                origin=client_ip(request),
            )
        return Response(s.CaseNumberSerializer(referral).data, status=status.HTTP_201_CREATED)
