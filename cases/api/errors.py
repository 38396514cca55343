"""How every API endpoint answers a service's refusal: 400 with the messages per field, 409 when the
record changed since the version sent, 404 when the user may not (or no longer) change it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.settings import api_settings

from cases.api.serializers import nest_errors
from cases.services import ConcurrentEditError


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Someone else changed this in the meantime. Reload it and make your change again.")
    default_code = "conflict"


@contextmanager
def service_errors() -> Iterator[None]:
    """Run a service call; its ValidationError, ConcurrentEditError or PermissionError as the API answers."""
    try:
        yield
    except DjangoValidationError as error:
        body = (
            nest_errors(error.message_dict)
            if hasattr(error, "error_dict")
            else {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
        )
        raise ValidationError(body) from error
    except ConcurrentEditError as error:
        raise Conflict from error
    except PermissionError:
        raise Http404 from None
