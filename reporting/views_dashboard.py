"""Stub: being built."""

from django.http import HttpRequest, HttpResponse


def dashboard(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def drilldown(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
