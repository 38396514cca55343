"""Stub: being built."""

from django.http import HttpRequest, HttpResponse


def table_csv(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def workbook(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def key_figures_json(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
