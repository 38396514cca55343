"""End to end: the procesregisseur's case file in the browser.

Bram (procesregisseur) runs a case the ketenkamer gave him; Petra (police) takes part in it. Bram plans
and records a case meeting whose decisions become agreements of the plan, completes one, escalates,
hands the case over to a municipal procesregisseur and closes it with an evaluation. Petra then no
longer sees the case.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import plans
from cases.access import cases_visible_to
from cases.models import Agreement, Case
from cases.plans import GoalData
from cases.services import participant_add
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from tests.triage.builders import complete_referral, decide, ketenkamer
from zvhd.reference.models import LifeDomain

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def choose(page, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Pick `value` for the field `name`, whether the form shows it as a list or as radio buttons."""
    field = page.locator(f"[name={name}]")
    if field.first.evaluate("element => element.tagName") == "SELECT":
        field.select_option(value)
    else:
        page.locator(f"[name={name}][value='{value}']").check()


def test_a_procesregisseur_runs_his_case_from_meeting_to_closure(page, pia, bram, petra) -> None:
    case = complete_referral(pia, last_name="Hoekstra")
    decide(ketenkamer(pia).items.get(), pia, coordinator=bram)
    case = Case.objects.get(pk=case.pk)
    participant_add(case=case, by=bram, user=petra, role_in_case="wijkagent", start_date=timezone.localdate())
    plan = plans.plan_for_subject(subject=case.subjects.get(is_primary=True), by=bram)
    plan.refresh_from_db()
    goal = plans.goal_add(
        plan=plan,
        by=bram,
        version=plan.version,
        data=GoalData(life_domain=LifeDomain.objects.get(code="housing"), description="Een vaste woonplek"),
    )
    assert case.pk in set(cases_visible_to(petra).values_list("pk", flat=True))

    log_in(page, "bram", PASSWORD)
    page.goto(f"/casussen/{case.pk}/")

    # Plan today's case meeting with Petra, then record it: two decisions become agreements.
    page.get_by_test_id("meeting-plan").click()
    page.locator("[name=starts_at]").fill(f"{timezone.localdate().isoformat()}T08:00")
    page.locator("[name=agenda]").fill("Woonplek en dagbesteding")
    page.get_by_label("Petra Mulder", exact=False).check()
    page.get_by_role("button", name="Overleg plannen").click()
    page.goto(f"/casussen/{case.pk}/")
    page.get_by_test_id("meeting-record").click()
    page.get_by_role("radio", name="aanwezig").first.check()
    page.locator("[name=minutes]").fill(
        "Afgesproken dat de woningcorporatie een urgentieaanvraag beoordeelt."
    )
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    for index, what in enumerate(["Urgentieaanvraag indienen", "Budgetcoach inschakelen"]):
        page.locator(f"[name=decisions-{index}-goal]").select_option(str(goal.pk))
        page.locator(f"[name=decisions-{index}-what]").fill(what)
        page.locator(f"[name=decisions-{index}-owner_partner]").select_option(label="Politie")
        page.locator(f"[name=decisions-{index}-due_date]").fill(due)
    page.get_by_role("button", name="Verslag en besluiten opslaan").click()
    page.goto(f"/casussen/{case.pk}/")
    expect(page.get_by_test_id("agreement")).to_have_count(2)
    assert Agreement.objects.filter(case=case, meeting__isnull=False).count() == 2

    # Complete one agreement.
    page.get_by_test_id("agreement-complete").first.click()
    expect(page.locator("[data-testid=agreement][data-status=done]")).to_have_count(1)

    # Escalate to the local driehoek.
    page.goto(f"/casussen/{case.pk}/")
    page.get_by_test_id("escalate").click()
    choose(page, "to", "driehoek")
    page.locator("[name=reason]").fill("De woningcorporatie weigert mee te werken ondanks de afspraak.")
    choose(page, "ave_before", "3")
    choose(page, "ave_after", "4")
    page.get_by_role("button", name="Opschaling vastleggen").click()
    page.goto(f"/casussen/{case.pk}/")
    expect(page.get_by_test_id("escalations").locator("tbody tr")).to_have_count(1)

    # Hand over to a municipal procesregisseur, then close with an evaluation.
    page.get_by_test_id("hand-over").click()
    choose(page, "to", "municipal_coordinator")
    page.locator("[name=receiver_name]").fill("J. de Boer")
    page.locator("[name=note]").fill("Plan van aanpak en afspraken overgedragen.")
    page.get_by_role("button", name="Overdracht vastleggen").click()
    page.locator("[name=evaluation]").fill(
        "Doel bereikt: vaste woonplek, schulden in beeld, regie lokaal belegd."
    )
    page.get_by_role("button", name="Casus afsluiten").click()
    page.wait_for_url(f"**/casussen/{case.pk}/")

    case.refresh_from_db()
    assert (case.status, case.closure_reason) == ("closed", "handed_over")
    assert case.pk not in set(cases_visible_to(petra).values_list("pk", flat=True))
