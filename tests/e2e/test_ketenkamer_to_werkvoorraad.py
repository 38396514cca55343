"""End to end: a week of triage in the browser.

Pia (procesondersteuner) plans today's ketenkamer with Olaf, the OM liaison; Olaf enriches an item;
Pia records the decisions: one case for procesregie lands on the werkvoorraad (no procesregisseur free),
the other is not taken up. The weekly prioritisation ranks the waiting case and Pia assigns it to Bram.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.triage.builders import complete_referral
from triage.models import Enrichment, WaitingListEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_a_referral_goes_through_the_ketenkamer_onto_the_werkvoorraad_and_to_a_procesregisseur(
    browser, live_server, pia, bram
) -> None:
    olaf = UserFactory(username="olaf", first_name="Olaf", last_name="Visser", liaison=True)
    accepted = complete_referral(pia, last_name="Hoekstra")
    declined = complete_referral(pia, last_name="Dijkstra")

    def session(username: str):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam"
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        log_in(page, username, PASSWORD)
        return page

    # Pia plans today's ketenkamer; the complete referrals are on its agenda at once.
    ondersteuner = session("pia")
    ondersteuner.goto("/overleggen/nieuw/")
    ondersteuner.get_by_label("Ketenkamer").check()
    ondersteuner.locator("[name=date]").fill(timezone.localdate().isoformat())
    ondersteuner.get_by_label("Olaf Visser", exact=False).check()
    ondersteuner.get_by_role("button", name="Overleg inplannen").click()
    agenda = ondersteuner.get_by_test_id("agenda-item")
    expect(agenda).to_have_count(2)
    meeting_url = ondersteuner.url

    # Olaf, seated for the OM, sees the meeting and enriches the first item.
    liaison = session("olaf")
    liaison.goto(meeting_url)
    liaison.locator(f"[data-case='{accepted.number}']").get_by_test_id("enrich").click()
    liaison.get_by_role("radio", name="bekend", exact=True).check()
    liaison.locator("[name=information]").fill("Lopende strafzaak; schorsingsvoorwaarden met meldplicht.")
    liaison.get_by_role("button", name="Opslaan").click()
    expect(liaison.locator(f"[data-case='{accepted.number}'] [data-organisation='om']")).to_have_attribute(
        "data-known", "yes"
    )
    assert Enrichment.objects.get(item__case=accepted).liaison == olaf

    # Pia records the decisions.
    ondersteuner.goto(meeting_url)
    ondersteuner.locator(f"[data-case='{accepted.number}']").get_by_test_id("decide").click()
    for criterion in ondersteuner.locator("[name=criteria_met]").all()[:4]:
        criterion.check()
    ondersteuner.locator("[name=ave_phase][value='3']").check()
    ondersteuner.locator("[name=safety_risk][value='high']").check()
    ondersteuner.locator("[name=decision][value='coordination_tailored']").check()
    ondersteuner.get_by_role("button", name="Besluit vastleggen").click()
    expect(ondersteuner.locator("[name=body]")).to_contain_text(accepted.number)

    ondersteuner.goto(meeting_url)
    ondersteuner.locator(f"[data-case='{declined.number}']").get_by_test_id("decide").click()
    ondersteuner.locator("[name=ave_phase][value='2']").check()
    ondersteuner.locator("[name=safety_risk][value='low']").check()
    ondersteuner.locator("[name=decision][value='not_taken_up']").check()
    ondersteuner.locator("[name=reason]").fill(
        "Geen ketenoverstijgende problematiek; past bij het sociaal team."
    )
    ondersteuner.get_by_role("button", name="Besluit vastleggen").click()
    ondersteuner.goto(meeting_url)
    expect(ondersteuner.locator(f"[data-case='{declined.number}'] [data-testid=decision]")).to_have_text(
        "niet opgepakt"
    )

    # The werkvoorraad: the accepted case waits; the weekly job ranks it.
    ondersteuner.goto("/werkvoorraad/")
    row = ondersteuner.locator(f"[data-testid=waiting-entry][data-case='{accepted.number}']")
    expect(row).to_have_attribute("data-rank", "")
    ondersteuner.get_by_test_id("prioritise").click()
    expect(row).to_have_attribute("data-rank", "1")
    expect(ondersteuner.locator("[data-testid=waiting-entry]")).to_have_count(1)

    # Pia assigns Bram; the case leaves the list and procesregie starts.
    row.get_by_role("link", name="Toewijzen").click()
    ondersteuner.get_by_label("Bram Smit", exact=False).check()
    ondersteuner.get_by_role("button", name="Toewijzen").click()
    ondersteuner.goto("/werkvoorraad/")
    expect(ondersteuner.locator("[data-testid=waiting-entry]")).to_have_count(0)

    accepted.refresh_from_db()
    assert (accepted.status, accepted.coordinator) == ("active", bram)
    assert WaitingListEntry.objects.get(case=accepted).left_because == "assigned"
    assert Case.objects.get(pk=declined.pk).status == "not_taken_up"
