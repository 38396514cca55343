"""The figures API: the key figures of a year (or part of it) as the JSON document of the screens'
download, for a national dashboard delivery. Figures only, no case data; every answer is logged."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.views import HasCapability
from cases.api.views_procesregie import FIELD_ERRORS, RefusalSerializer
from reporting import exports
from reporting.forms import PeriodForm
from zvhd.accounts.capabilities import Capability

KEY_FIGURES = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=(
        'The key figures (format "zvhd-key-figures/1"): house, period, computed_at and, under "figures", '
        "every table by its stable key with its title, definition, columns and rows "
        "({row key: {label, column key: value}}). See docs/figures-exports.md."
    ),
)
REFUSED = OpenApiResponse(RefusalSerializer, description="Your role may not see the figures.")


class KeyFiguresView(APIView):
    """The key figures of a year; `first` and `last` choose a part of it."""

    permission_classes = [permissions.IsAuthenticated, HasCapability]
    capability = Capability.FIGURES

    @extend_schema(
        operation_id="figures_retrieve",
        parameters=[
            OpenApiParameter(
                "year", OpenApiTypes.INT, OpenApiParameter.PATH, description="The calendar year."
            ),
            OpenApiParameter(
                "first", OpenApiTypes.DATE, description="First day of a part of the year (default 1 January)."
            ),
            OpenApiParameter(
                "last", OpenApiTypes.DATE, description="Last day of a part of the year (default 31 December)."
            ),
        ],
        responses={200: KEY_FIGURES, 400: FIELD_ERRORS, 403: REFUSED},
    )
    def get(self, request: Request, year: int) -> Response:
        form = PeriodForm(
            {
                "year": str(year),
                "first": request.query_params.get("first", ""),
                "last": request.query_params.get("last", ""),
            }
        )
        if not form.is_valid():
            raise ValidationError(
                {field: [str(m) for m in messages] for field, messages in form.errors.items()}
            )
        period = form.period()
        figures = exports.key_figures(exports.figures_document_of(period))
        exports.export_record(request, period=period, file_format="json api")
        return Response(figures)
