"""Meldingen: a user's notifications on the screen and in the API, the unread count in the menu.

Bram is procesregisseur of the active case, whose main subject is Anna. Petra (police) took part in that
case until yesterday: her notification about it stays hers, but its text is case data she no longer
needs to know. Ines (GGZ) has notifications of her own, which nobody else can read or mark.
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import notifications, services
from cases.models import Case, Notification
from cases.workflow import CaseStatus
from tests.factories import PersonFactory, UserFactory, referral_case
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = reverse("notifications")
BADGE = reverse("notifications-badge")
READ_ALL = reverse("notifications-read-all")
API = reverse("api-notifications")
API_READ_ALL = reverse("api-notifications-read-all")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
HTMX = {"HX-Request": "true"}


def read_url(notification: Notification) -> str:
    return reverse("notification-read", kwargs={"pk": notification.pk})


def api_read_url(notification: Notification) -> str:
    return reverse("api-notification-read", kwargs={"pk": notification.pk})


def notify(
    user: User,
    *,
    case: Case | None = None,
    text: str = "Afspraak verlopen",
    hours_ago: int = 0,
    read: bool = False,
) -> Notification:
    created_at = timezone.now() - datetime.timedelta(hours=hours_ago)
    return Notification.objects.create(
        user=user, case=case, text=text, created_at=created_at, read_at=timezone.now() if read else None
    )


@pytest.fixture
def ines(db: None) -> User:
    return UserFactory(username="ines", partner_professional=True)


@pytest.fixture
def case(bram: User) -> Case:
    return referral_case(
        status=CaseStatus.ACTIVE,
        kind=Case.Kind.COORDINATION,
        coordinator=bram,
        person=PersonFactory(first_name="Anna", last_name="Berg"),
    )


@pytest.fixture
def petra_took_part(bram: User, petra: User, case: Case) -> User:
    participant = services.participant_add(
        case=case, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY - 10 * DAY
    )
    services.participant_end(participant=participant, by=bram, end_date=TODAY - DAY)
    return petra


def listed(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [notification.pk for notification in response.context["page"].object_list]


def row(response, notification: Notification) -> str:  # type: ignore[no-untyped-def]
    match = re.search(
        rf'<tr [^>]*id="notification-{notification.pk}".*?</tr>', response.content.decode(), re.S
    )
    assert match, f"no row for notification {notification.pk}"
    return match.group(0)


# --- The screen -----------------------------------------------------------------------------------------


def test_he_sees_his_own_notifications_newest_first_and_no_one_elses(client_for, bram, ines, case) -> None:
    older = notify(bram, case=case, hours_ago=5)
    newer = notify(bram, case=case, hours_ago=1)
    notify(ines, text="Voor Ines")

    response = client_for(bram).get(URL)

    assert response.status_code == 200
    assert listed(response) == [newer.pk, older.pk]
    assert "Voor Ines" not in response.content.decode()


def test_unread_notifications_are_marked_and_read_ones_are_not(client_for, bram, case) -> None:
    unread = notify(bram, case=case, hours_ago=1)
    read = notify(bram, case=case, hours_ago=2, read=True)

    response = client_for(bram).get(URL)

    assert 'data-unread="1"' in row(response, unread)
    assert 'data-testid="mark-read"' in row(response, unread)
    assert 'data-unread="0"' in row(response, read)
    assert 'data-testid="mark-read"' not in row(response, read)
    assert response.context["unread"] == 1


def test_a_notification_about_a_case_he_may_see_shows_its_text_and_links_to_the_case(
    client_for, bram, case
) -> None:
    notification = notify(bram, case=case, text=f"Afspraak in casus {case.number} verlopen: huisbezoek")

    shown = row(client_for(bram).get(URL), notification)

    assert "huisbezoek" in shown
    assert f'href="{case.get_absolute_url()}"' in shown
    assert 'data-case-visible="1"' in shown


def test_a_notification_about_no_case_shows_its_text_without_a_link(client_for, bram) -> None:
    notification = notify(bram, text="Nieuwe werkinstructie")

    shown = row(client_for(bram).get(URL), notification)

    assert "Nieuwe werkinstructie" in shown
    assert 'data-testid="notification-case"' not in shown


def test_the_text_about_a_case_she_may_no_longer_see_is_withheld(client_for, petra_took_part, case) -> None:
    notification = notify(petra_took_part, case=case, text="Afspraak verlopen: huisbezoek bij Anna Berg")

    response = client_for(petra_took_part).get(URL)
    shown = row(response, notification)

    assert response.status_code == 200
    assert "Anna Berg" not in response.content.decode()
    assert 'data-case-visible="0"' in shown
    assert 'data-testid="notification-withheld"' in shown
    assert case.get_absolute_url() not in shown
    assert case.number not in shown


def test_opening_the_page_is_logged_with_the_main_subjects_of_the_cases_whose_text_it_shows(
    client_for, bram, petra_took_part, case
) -> None:
    notify(bram, case=case)
    notify(petra_took_part, case=case)

    client_for(bram).get(URL)
    client_for(petra_took_part).get(URL)

    anna = case.subjects.get(is_primary=True).person_id
    for_bram = AuditEvent.objects.get(object_type="notifications", actor=bram)
    for_petra = AuditEvent.objects.get(object_type="notifications", actor=petra_took_part)
    assert (for_bram.action, for_bram.result) == (AuditEvent.Action.READ, AuditEvent.Result.ALLOWED)
    assert list(for_bram.subjects.values_list("person_id", flat=True)) == [anna]
    assert not for_petra.subjects.exists()  # she was shown no text about the case


@pytest.mark.parametrize("persona", ["pia", "bram", "mirjam", "petra"])
def test_every_role_can_open_the_page(client_for, persona, request) -> None:
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 200


def test_the_page_is_for_logged_in_users_only(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_shows_50_notifications_at_a_time(client_for, bram) -> None:
    Notification.objects.bulk_create(Notification(user=bram, text=f"Melding {n}") for n in range(60))
    client = client_for(bram)

    assert len(listed(client.get(URL))) == 50
    assert len(listed(client.get(URL, {"page": "2"}))) == 10


def load(user: User, count: int, *, visible: Case, hidden: Case) -> None:
    """`count` notifications about a case he may see, one he may not, and none, in turn."""
    cases = [visible, hidden, None]
    Notification.objects.bulk_create(
        Notification(user=user, case=cases[n % 3], text=f"Melding {n}") for n in range(count)
    )


def test_the_page_uses_the_same_number_of_queries_for_3_and_for_60_notifications(
    client_for, bram, case, django_assert_num_queries
) -> None:
    hidden = referral_case(status=CaseStatus.ACTIVE, kind=Case.Kind.COORDINATION, coordinator=UserFactory())
    client = client_for(bram)
    load(bram, 3, visible=case, hidden=hidden)
    client.get(URL)  # warm-up: the house name is cached after the first page
    with CaptureQueriesContext(connection) as few:
        assert len(listed(client.get(URL))) == 3
    load(bram, 57, visible=case, hidden=hidden)
    with django_assert_num_queries(len(few)):
        assert len(listed(client.get(URL))) == 50


# --- Marking as read ------------------------------------------------------------------------------------


def test_marking_one_as_read_goes_back_to_the_page_it_was_on(client_for, bram) -> None:
    notification = notify(bram)

    response = client_for(bram).post(read_url(notification), {"page": "2"})

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?page=2"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_with_htmx_marking_one_as_read_answers_with_its_row_and_updates_the_count(
    client_for, bram, case
) -> None:
    notification = notify(bram, case=case, text="Afspraak verlopen: huisbezoek")

    response = client_for(bram).post(read_url(notification), headers=HTMX)

    assert response.status_code == 200
    names = [template.name for template in response.templates]
    assert names[0] == "cases/_notification_row.html"
    assert "base.html" not in names
    assert 'data-unread="0"' in row(response, notification)
    assert "huisbezoek" in row(response, notification)
    assert "notifications-read" in json.loads(response["HX-Trigger"])
    assert AuditEvent.objects.filter(actor=bram, object_type="notifications").count() == 1


def test_with_htmx_the_row_of_a_case_she_may_no_longer_see_withholds_the_text(
    client_for, petra_took_part, case
) -> None:
    notification = notify(petra_took_part, case=case, text="Afspraak verlopen: huisbezoek bij Anna Berg")

    response = client_for(petra_took_part).post(read_url(notification), headers=HTMX)

    assert response.status_code == 200
    assert "Anna Berg" not in response.content.decode()
    assert 'data-testid="notification-withheld"' in row(response, notification)


def test_marking_one_as_read_twice_is_harmless(client_for, bram) -> None:
    notification = notify(bram)
    client = client_for(bram)
    client.post(read_url(notification))
    notification.refresh_from_db()
    first = notification.read_at

    assert client.post(read_url(notification)).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at == first


def test_someone_elses_notification_answers_404_stays_unread_and_the_attempt_is_logged(
    client_for, bram, ines
) -> None:
    hers = notify(ines)

    assert client_for(bram).post(read_url(hers)).status_code == 404

    hers.refresh_from_db()
    assert hers.read_at is None
    refused = AuditEvent.objects.get(actor=bram, object_type="notification")
    assert (refused.result, refused.object_id) == (AuditEvent.Result.DENIED, str(hers.pk))


def test_marking_one_as_read_is_a_post(client_for, bram) -> None:
    notification = notify(bram)
    assert client_for(bram).get(read_url(notification)).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_all_as_read_marks_only_his_own(client_for, bram, ines) -> None:
    mine = [notify(bram), notify(bram), notify(bram, read=True)]
    hers = notify(ines)

    response = client_for(bram).post(READ_ALL)

    assert response.status_code == 302
    assert response["Location"] == URL
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).exists()
    hers.refresh_from_db()
    assert hers.read_at is None


# --- The count in the menu ------------------------------------------------------------------------------


def test_the_menu_loads_the_count_with_htmx(client_for, bram) -> None:
    page = client_for(bram).get(URL).content.decode()
    assert f'hx-get="{BADGE}"' in page


def test_the_count_is_of_his_unread_notifications(client_for, bram, ines) -> None:
    notify(bram)
    notify(bram)
    notify(bram, read=True)
    notify(ines)

    response = client_for(bram).get(BADGE, headers=HTMX)

    assert response.status_code == 200
    assert re.search(r'data-testid="notifications-unread">2<', response.content.decode())


def test_without_unread_notifications_the_count_is_empty(client_for, bram) -> None:
    notify(bram, read=True)
    assert client_for(bram).get(BADGE, headers=HTMX).content.decode().strip() == ""


# --- Selectors and services -----------------------------------------------------------------------------


def test_the_notifications_and_whether_he_may_see_their_case_take_one_query(
    bram, petra_took_part, case, django_assert_num_queries
) -> None:
    notify(petra_took_part, case=case)
    notify(petra_took_part)
    notify(bram, case=case)

    with django_assert_num_queries(1):
        petras = [n.case_visible for n in notifications.notifications_for(petra_took_part)]
    assert sorted(petras) == [False, True]
    assert [n.case_visible for n in notifications.notifications_for(bram)] == [True]


def test_the_unread_count_counts_his_unread_ones(bram, ines) -> None:
    notify(bram)
    notify(bram, read=True)
    notify(ines)
    assert notifications.notifications_unread_count(bram) == 1


def test_marking_all_returns_how_many_were_unread(bram) -> None:
    notify(bram)
    notify(bram)
    notify(bram, read=True)
    assert notifications.notifications_read_all(user=bram) == 2
    assert notifications.notifications_read_all(user=bram) == 0


def test_marking_someone_elses_notification_raises_as_if_it_did_not_exist(bram, ines) -> None:
    hers = notify(ines)
    with pytest.raises(Notification.DoesNotExist):
        notifications.notification_read(user=bram, pk=hers.pk)


# --- API ------------------------------------------------------------------------------------------------


def test_the_api_lists_his_own_notifications_and_withholds_what_she_may_no_longer_see(
    client_for, bram, petra_took_part, case
) -> None:
    about_case = notify(petra_took_part, case=case, text="Huisbezoek bij Anna Berg", hours_ago=2)
    general = notify(petra_took_part, text="Nieuwe werkinstructie", hours_ago=1)
    notify(bram, case=case)

    response = client_for(petra_took_part).get(API)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = {row["id"]: row for row in body["results"]}
    assert [row["id"] for row in body["results"]] == [general.pk, about_case.pk]
    assert (rows[about_case.pk]["text"], rows[about_case.pk]["case"]) == (None, None)
    assert rows[about_case.pk]["case_visible"] is False
    assert (rows[general.pk]["text"], rows[general.pk]["case_visible"]) == ("Nieuwe werkinstructie", True)
    assert rows[general.pk]["read_at"] is None
    assert AuditEvent.objects.filter(
        actor=petra_took_part, object_type="notifications", detail="api"
    ).exists()


def test_the_api_shows_the_text_and_case_of_a_case_he_may_see(client_for, bram, case) -> None:
    notify(bram, case=case, text="Huisbezoek")

    (only,) = client_for(bram).get(API).json()["results"]

    assert (only["text"], only["case"], only["case_visible"]) == ("Huisbezoek", case.pk, True)


def test_the_api_marks_one_as_read_and_a_second_time_changes_nothing(client_for, bram, case) -> None:
    notification = notify(bram, case=case)
    client = client_for(bram)

    first = client.post(api_read_url(notification))
    second = client.post(api_read_url(notification))

    assert first.status_code == second.status_code == 200
    assert first.json()["read_at"] is not None
    assert second.json()["read_at"] == first.json()["read_at"]
    assert first.json()["case"] == case.pk


def test_the_api_answers_404_for_someone_elses_notification(client_for, bram, ines) -> None:
    hers = notify(ines)

    assert client_for(bram).post(api_read_url(hers)).status_code == 404

    hers.refresh_from_db()
    assert hers.read_at is None


def test_the_api_marks_all_his_notifications_as_read(client_for, bram, ines) -> None:
    notify(bram)
    notify(bram)
    hers = notify(ines)

    response = client_for(bram).post(API_READ_ALL)

    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert notifications.notifications_unread_count(bram) == 0
    hers.refresh_from_db()
    assert hers.read_at is None


def test_the_api_is_for_logged_in_users_only(client) -> None:
    assert client.get(API).status_code in (401, 403)
