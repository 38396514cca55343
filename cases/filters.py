"""Filters of the referral list, shared by the web page and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import Case
from cases.selectors import cases_in_municipality, cases_with_subject_named
from cases.workflow import CaseStatus
from zvhd.forms import NLDSForm
from zvhd.reference.models import Municipality, Partner


class ReferralFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Name of a subject"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices, empty_label=_("All"))
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        method="filter_municipality",
        empty_label=_("All"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Referring partner"),
        field_name="referral__referrer_partner",
        queryset=Partner.objects.order_by("name"),
        empty_label=_("All"),
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"), field_name="referral__received_on", lookup_expr="gte", widget=DateInput()
    )
    received_to = django_filters.DateFilter(
        label=_("Received up to and including"),
        field_name="referral__received_on",
        lookup_expr="lte",
        widget=DateInput(),
    )

    class Meta:
        model = Case
        fields: list[str] = []
        form = NLDSForm

    def filter_search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return cases_with_subject_named(queryset, value)

    def filter_municipality(self, queryset: QuerySet[Case], name: str, value: Municipality) -> QuerySet[Case]:
        return cases_in_municipality(queryset, value)
