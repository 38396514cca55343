import pytest
from django.urls import reverse
from django.utils import timezone

from zvhd.health.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


def test_health_answers_without_login_and_reports_the_database(client) -> None:
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker_last_seen": None}


def test_the_heartbeat_task_shows_when_the_worker_was_last_seen(client) -> None:
    before = timezone.now()
    worker_heartbeat()
    worker_heartbeat()
    seen = client.get(reverse("health")).json()["worker_last_seen"]
    assert seen is not None
    assert timezone.datetime.fromisoformat(seen) >= before


def test_pages_carry_a_strict_content_security_policy(client) -> None:
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
