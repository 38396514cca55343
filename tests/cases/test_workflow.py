import pytest

from cases.workflow import FINAL, TRANSITIONS, CaseStatus, targets_from, transition_allowed

S = CaseStatus

ALLOWED = {
    (S.REGISTERED, S.TRIAGE),
    (S.REGISTERED, S.WITHDRAWN),
    (S.TRIAGE, S.REGISTERED),
    (S.TRIAGE, S.WAITING),
    (S.TRIAGE, S.ACTIVE),
    (S.TRIAGE, S.NOT_TAKEN_UP),
    (S.TRIAGE, S.REFERRED_BACK),
    (S.WAITING, S.ACTIVE),
    (S.WAITING, S.CLOSED),
    (S.ACTIVE, S.CLOSED),
}


@pytest.mark.parametrize("source", list(CaseStatus))
@pytest.mark.parametrize("target", list(CaseStatus))
def test_only_the_transitions_in_the_table_are_allowed(source: CaseStatus, target: CaseStatus) -> None:
    assert transition_allowed(source, target) == ((source, target) in ALLOWED)


def test_nothing_follows_a_final_status() -> None:
    for status in FINAL:
        assert targets_from(status) == []


def test_every_transition_has_a_unique_name_per_source() -> None:
    names = [(t.source, t.name) for t in TRANSITIONS]
    assert len(names) == len(set(names))


def test_a_referral_is_registered_before_anything_else() -> None:
    reachable = {t.target for t in TRANSITIONS}
    assert S.REGISTERED in {t.source for t in TRANSITIONS}
    assert reachable - {S.REGISTERED} == set(CaseStatus) - {S.REGISTERED}
