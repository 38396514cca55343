"""API endpoints: the same selectors, services and access layer as the screens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cases import selectors, services
from cases.api.serializers import (
    CaseDetailSerializer,
    CaseListSerializer,
    ReferralWriteSerializer,
    nest_errors,
)
from cases.filters import ReferralFilter
from cases.models import Case
from cases.reading import case_open, cases_listed
from zvhd.accounts.capabilities import Capability, user_has_capability
from zvhd.accounts.decorators import screen_refused_record
from zvhd.audit.services import client_ip


class HasCapability(permissions.BasePermission):
    """Grants the endpoint to roles holding the view's `capability` (row access is decided separately)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        allowed = user_has_capability(request.user, view.capability)
        if not allowed and request.user.is_authenticated:
            screen_refused_record(request)
        return allowed


class LoggedListMixin:
    """Writes the access-log record of a list response, naming the main subjects on the page."""

    list_object_type = ""

    def paginate_queryset(self, queryset: QuerySet[Case]) -> list[Case] | None:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        self._listed = list(page or [])
        return page

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        cases_listed(request, object_type=self.list_object_type, cases=self._listed, detail="api")
        return response


class ReferralListCreateView(LoggedListMixin, generics.ListCreateAPIView):
    """List the referrals you may see (filterable), or register a new referral."""

    permission_classes = [permissions.IsAuthenticated, HasCapability]
    filterset_class = ReferralFilter
    list_object_type = "referral_list"

    @property
    def capability(self) -> Capability:
        return Capability.REFERRAL_REGISTER if self.request.method == "POST" else Capability.REFERRAL_LIST

    def get_queryset(self) -> QuerySet[Case]:
        return selectors.referral_list(user=self.request.user)

    def get_serializer_class(self) -> type:
        return ReferralWriteSerializer if self.request.method == "POST" else CaseListSerializer

    @extend_schema(request=ReferralWriteSerializer, responses={201: CaseDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ReferralWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            case = services.referral_register(
                by=request.user,
                referral=serializer.validated_data["referral_data"],
                subjects=serializer.validated_data["subject_data"],
                origin=client_ip(request),
            )
        except DjangoValidationError as error:
            raise ValidationError(nest_errors(error.message_dict)) from error
        case = selectors.case_detail(user=request.user, pk=case.pk)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseListView(LoggedListMixin, generics.ListAPIView):
    """All cases you may see, of every kind, newest first."""

    permission_classes = [permissions.IsAuthenticated, HasCapability]
    capability = Capability.CASE_VIEW
    serializer_class = CaseListSerializer
    list_object_type = "case_list"

    def get_queryset(self) -> QuerySet[Case]:
        return selectors.case_list(user=self.request.user)


class CaseDetailView(generics.RetrieveAPIView):
    """One case with its subjects, referral and timeline.

    404 when it does not exist or is not yours to see.
    """

    permission_classes = [permissions.IsAuthenticated, HasCapability]
    capability = Capability.CASE_VIEW
    serializer_class = CaseDetailSerializer
    queryset = Case.objects.none()  # for the schema only: the object comes from the access layer

    def get_object(self) -> Case:
        return case_open(self.request, self.kwargs["pk"], channel="api")
