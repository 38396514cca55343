"""The lockout check of django-axes as the first authentication backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Refuse a locked combination of user name and address before any password is checked.

    Every login over HTTP passes its request, so django-axes can see the address. Code running on the
    server without a request (a management command, a test) has no address to lock, and django-axes would
    raise instead of answering; for that caller this backend stands aside and the next one decides.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
