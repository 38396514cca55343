"""The origin address in the access log cannot be forged by a client."""

import pytest
from django.test import RequestFactory

from zvhd.audit.services import client_ip


def request_from(remote: str, forwarded: str = ""):  # type: ignore[no-untyped-def]
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_a_proxy_the_socket_address_counts_whatever_the_headers_say(settings) -> None:
    settings.BEHIND_PROXY = False
    assert client_ip(request_from("203.0.113.7", forwarded="10.0.0.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [("198.51.100.20", "198.51.100.20"), ("10.9.9.9, 198.51.100.20", "198.51.100.20")],
)
def test_behind_the_proxy_the_address_it_appended_counts(settings, forwarded, expected) -> None:
    settings.BEHIND_PROXY = True
    assert client_ip(request_from("172.18.0.5", forwarded=forwarded)) == expected
