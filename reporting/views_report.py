"""Stub: being built."""

from django.http import HttpRequest, HttpResponse


def report_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def report_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def report_generate(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def rendering_status(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def rendering_download(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
