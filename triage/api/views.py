"""Triage API endpoints: the same selectors, services and access layer as the screens.

Meetings and items one may not open answer 404, as do cases one may not see; an agenda shows items
of such cases by number and decision only. Every response that names subjects is in the access log.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.errors import service_errors
from cases.api.views import HasCapability
from cases.reading import cases_listed
from triage import selectors, services, waiting_list
from triage.api.serializers import (
    AgendaAddSerializer,
    AgendaItemSerializer,
    AssignmentSerializer,
    AssignSerializer,
    DecisionWriteSerializer,
    EnrichmentSerializer,
    EnrichmentWriteSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    MeetingWriteSerializer,
    PrioritisationSerializer,
    ProblemSerializer,
    RankOverrideSerializer,
    ReferrerContactSerializer,
    ReferrerContactWriteSerializer,
    WaitingListEntrySerializer,
)
from triage.models import AgendaItem, Meeting, WaitingListEntry
from zvhd.accounts.capabilities import Capability
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_request, client_ip

FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="The messages per field, in Dutch.")
NOT_FOUND = OpenApiResponse(ProblemSerializer, description="Not there, or not yours to see.")
CONFLICT = OpenApiResponse(
    ProblemSerializer, description="Someone else changed it since the version you sent; nothing changed."
)


def _valid(serializer_class: type, request: Request) -> Any:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer


class TriageEndpoint(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, HasCapability]


# --- Meetings and the agenda ------------------------------------------------------------------------


def _meeting_detail(request: Request, pk: object) -> dict[str, Any]:
    """The meeting with its agenda; the access log names the subjects of the items shown in full."""
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    meeting.agenda = selectors.agenda_items(user=request.user, meeting=meeting)
    visible = [item.case for item in meeting.agenda if item.case_visible]
    cases_listed(request, object_type="meeting_agenda", cases=visible, detail="api")
    return MeetingDetailSerializer(meeting).data


def _agenda_item(request: Request, item: AgendaItem) -> AgendaItem:
    """The item as its meeting's agenda shows it to this user (visibility and enrichments included)."""
    agenda = selectors.agenda_items(user=request.user, meeting=item.meeting)
    return next(entry for entry in agenda if entry.pk == item.pk)


class MeetingListCreateView(TriageEndpoint, generics.ListAPIView):
    """The meetings you may open (a liaison: those he sits at), newest first; or plan a new one."""

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()  # for the schema only: the meetings come from the selector

    @property
    def capability(self) -> Capability:
        return Capability.TRIAGE if self.request.method == "POST" else Capability.MEETINGS_ATTEND

    def get_queryset(self) -> QuerySet[Meeting]:
        # The count annotation drops the model's default ordering; the pages need a fixed one.
        return selectors.meetings_for(user=self.request.user).order_by("-date", "-id")

    @extend_schema(
        request=MeetingWriteSerializer,
        responses={201: MeetingDetailSerializer, 400: FIELD_ERRORS},
        description="Plan a meeting. Referrals complete by its cut-off are put on its agenda at once.",
    )
    def post(self, request: Request) -> Response:
        data = _valid(MeetingWriteSerializer, request).validated_data
        with service_errors():
            meeting = services.meeting_plan(by=request.user, origin=client_ip(request), **data)
        return Response(_meeting_detail(request, meeting.pk), status=status.HTTP_201_CREATED)


class MeetingDetailView(TriageEndpoint):
    """One meeting with its agenda."""

    capability = Capability.MEETINGS_ATTEND
    queryset = Meeting.objects.none()  # for the schema only: the meeting comes from the selector

    @extend_schema(responses={200: MeetingDetailSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_meeting_detail(request, pk))


class MeetingProposeView(TriageEndpoint):
    """Put every referral complete by the cut-off and on no agenda yet on this meeting's agenda."""

    capability = Capability.TRIAGE
    queryset = Meeting.objects.none()

    @extend_schema(request=None, responses={200: MeetingDetailSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND})
    def post(self, request: Request, pk: int) -> Response:
        meeting = selectors.meeting_get_for(user=request.user, pk=pk)
        with service_errors():
            services.agenda_propose(meeting=meeting, by=request.user, origin=client_ip(request))
        return Response(_meeting_detail(request, meeting.pk))


class MeetingItemCreateView(TriageEndpoint):
    """Put a registered referral on the agenda by hand (also one that is not complete yet)."""

    capability = Capability.TRIAGE
    queryset = Meeting.objects.none()

    @extend_schema(
        request=AgendaAddSerializer,
        responses={201: AgendaItemSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = selectors.meeting_get_for(user=request.user, pk=pk)
        case = _valid(AgendaAddSerializer, request).validated_data["case"]
        with service_errors():
            item = services.agenda_add(meeting=meeting, case=case, by=request.user, origin=client_ip(request))
        body = AgendaItemSerializer(_agenda_item(request, item)).data
        return Response(body, status=status.HTTP_201_CREATED)


class AgendaItemDetailView(TriageEndpoint):
    """One item of a meeting you may open, of a case you may see."""

    capability = Capability.MEETINGS_ATTEND
    queryset = AgendaItem.objects.none()

    @extend_schema(responses={200: AgendaItemSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        item = _agenda_item(request, _item_open(request, pk))
        audit_request(
            request,
            action=AuditEvent.Action.READ,
            object_type="agenda_item",
            object_id=item.pk,
            case_id=item.case_id,
            person_ids=[subject.person_id for subject in item.case.primary_subjects],
            data_category=AuditEvent.DataCategory.REFERRAL,
            legal_basis=item.case.legal_basis,
            detail="api",
        )
        return Response(AgendaItemSerializer(item).data)


def _item_open(request: Request, pk: object) -> AgendaItem:
    """The item through the selector; one that is not his to open is logged as denied, then 404."""
    try:
        return selectors.agenda_item_get_for(user=request.user, pk=pk)
    except Http404:
        audit_request(
            request,
            action=AuditEvent.Action.READ,
            object_type="agenda_item",
            object_id=pk,
            data_category=AuditEvent.DataCategory.REFERRAL,
            result=AuditEvent.Result.DENIED,
            detail="api",
        )
        raise


class DecisionView(TriageEndpoint):
    """Record the assessment and decision on an item (on or after the meeting day)."""

    capability = Capability.TRIAGE
    queryset = AgendaItem.objects.none()

    @extend_schema(
        request=DecisionWriteSerializer,
        responses={200: AgendaItemSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
        description="The case gets its kind and status; accepted for process coordination without a "
        "coordinator now, it goes on the waiting list. The feedback to the referrer is written.",
    )
    def post(self, request: Request, pk: int) -> Response:
        item = selectors.agenda_item_get_for(user=request.user, pk=pk)
        serializer = _valid(DecisionWriteSerializer, request)
        with service_errors():
            item = services.decision_record(
                item=item,
                by=request.user,
                data=serializer.to_data(),
                version=serializer.validated_data["version"],
                origin=client_ip(request),
            )
        return Response(AgendaItemSerializer(_agenda_item(request, item)).data)


class EnrichmentView(TriageEndpoint):
    """A liaison seated at the meeting records what his organisation knows of the item's subject."""

    capability = Capability.MEETINGS_ATTEND
    queryset = AgendaItem.objects.none()

    @extend_schema(
        request=EnrichmentWriteSerializer,
        responses={
            200: EnrichmentSerializer,
            201: EnrichmentSerializer,
            400: FIELD_ERRORS,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        description="201 for his organisation's first enrichment of the item, 200 for a change.",
    )
    def post(self, request: Request, pk: int) -> Response:
        item = selectors.agenda_item_get_for(user=request.user, pk=pk)
        data = _valid(EnrichmentWriteSerializer, request).validated_data
        with service_errors():
            try:
                enrichment = services.enrichment_record(
                    item=item, by=request.user, origin=client_ip(request), **data
                )
            except PermissionError:  # not a liaison seated at this meeting
                raise Http404 from None
        created = data["version"] is None
        return Response(
            EnrichmentSerializer(enrichment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- The werkvoorraad ---------------------------------------------------------------------------------


class WaitingListView(TriageEndpoint, generics.ListAPIView):
    """The cases waiting for a procesregisseur, in rank order (unranked newcomers last)."""

    capability = Capability.WAITING_LIST
    serializer_class = WaitingListEntrySerializer
    queryset = WaitingListEntry.objects.none()  # for the schema only: the list comes from the selector

    def get_queryset(self) -> QuerySet[WaitingListEntry]:
        return selectors.waiting_list(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entries = self.paginate_queryset(self.get_queryset())
        cases_listed(request, object_type="waiting_list", cases=[e.case for e in entries], detail="api")
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)


class PrioritiseView(TriageEndpoint):
    """Rank the waiting list for this week now, instead of waiting for the weekly job."""

    capability = Capability.WAITING_LIST

    @extend_schema(
        request=None,
        responses={201: PrioritisationSerializer, 200: PrioritisationSerializer},
        description="Once per ISO week: when this week has been ranked, nothing changes (200, created "
        "false).",
    )
    def post(self, request: Request) -> Response:
        snapshot, created = waiting_list.waiting_list_prioritise(by=request.user)
        body = {"week": snapshot.week, "entries": snapshot.entries, "created": created}
        return Response(
            PrioritisationSerializer(body).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class RankOverrideView(TriageEndpoint):
    """Set the case's rank by hand, with a reason (it keeps it in later weeks), or clear it (null)."""

    capability = Capability.WAITING_LIST
    queryset = WaitingListEntry.objects.none()

    @extend_schema(
        request=RankOverrideSerializer,
        responses={200: WaitingListEntrySerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.waiting_entry_get_for(user=request.user, pk=pk)
        data = _valid(RankOverrideSerializer, request).validated_data
        with service_errors():
            waiting_list.rank_override(entry=entry, by=request.user, origin=client_ip(request), **data)
        entry = selectors.waiting_entry_get_for(user=request.user, pk=pk)
        return Response(WaitingListEntrySerializer(entry).data)


class AssignView(TriageEndpoint):
    """A procesregisseur takes the case: procesregie starts and the case leaves the waiting list."""

    capability = Capability.WAITING_LIST
    queryset = WaitingListEntry.objects.none()

    @extend_schema(
        request=AssignSerializer,
        responses={200: AssignmentSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.waiting_entry_get_for(user=request.user, pk=pk)
        data = _valid(AssignSerializer, request).validated_data
        with service_errors():
            case = waiting_list.waiting_list_assign(
                entry=entry, by=request.user, origin=client_ip(request), **data
            )
        return Response(AssignmentSerializer(case).data)


class ReferrerContactView(TriageEndpoint):
    """Log a contact moment with the referrer (or interim advice) while the case waits."""

    capability = Capability.WAITING_LIST
    queryset = WaitingListEntry.objects.none()

    @extend_schema(
        request=ReferrerContactWriteSerializer,
        responses={201: ReferrerContactSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.waiting_entry_get_for(user=request.user, pk=pk)
        data = _valid(ReferrerContactWriteSerializer, request).validated_data
        with service_errors():
            contact = waiting_list.referrer_contact_add(
                case=entry.case, by=request.user, origin=client_ip(request), **data
            )
        return Response(ReferrerContactSerializer(contact).data, status=status.HTTP_201_CREATED)
