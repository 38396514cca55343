"""Reads of aftercare: the case page's aftercare section and the nazorgcoördinator's caseload.

Both start from a case the access layer already opened (`cases.reading`) or from
`cases.access.cases_visible_to`, and read in a fixed number of queries however many notices, actions,
tasks or contacts a case has.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftercare.models import (
    AftercareFile,
    AftercareInformation,
    BasicCondition,
    ConditionAction,
    ConditionKind,
    ConditionState,
    Consent,
    GuidanceContact,
    GuidanceEpisode,
    InformationSource,
    ReleaseTask,
)
from aftercare.services import may_record_guidance_contact
from cases.access import cases_visible_to, may_work_on
from cases.models import Case
from cases.selectors import primary_subjects_prefetch
from cases.workflow import CaseStatus
from zvhd.accounts.models import Role, User
from zvhd.reference.models import Municipality

# The three moments the board shows for each basic condition: (state field, note field).
CONDITION_MOMENTS = (
    ("at_intake", "intake_note"),
    ("at_release", "release_note"),
    ("after_three_months", "after_note"),
)


def aftercare_detail(case: Case) -> AftercareFile:
    """The aftercare file of `case` (already opened through the access layer) with everything its
    section shows, in nine queries whatever their number: the file, notices, conditions, their actions,
    release tasks, information, guidance episodes, their goals and their contacts.

    Raises AftercareFile.DoesNotExist for a case without one."""
    aftercare = (
        AftercareFile.objects.select_related("person", "municipality", "escalated_to")
        .prefetch_related(
            "notices",
            Prefetch(
                "conditions",
                queryset=BasicCondition.objects.prefetch_related(
                    Prefetch("actions", queryset=ConditionAction.objects.select_related("owner_partner"))
                ),
            ),
            Prefetch("tasks", queryset=ReleaseTask.objects.select_related("done_by")),
            Prefetch("information", queryset=AftercareInformation.objects.select_related("recorded_by")),
            Prefetch(
                "guidance",
                queryset=GuidanceEpisode.objects.select_related("worker").prefetch_related(
                    "goals",
                    Prefetch("contacts", queryset=GuidanceContact.objects.select_related("recorded_by")),
                ),
            ),
        )
        .get(case=case)
    )
    aftercare.case = case  # the case as the access layer opened it (with its emergency flag)
    return aftercare


@dataclass
class ConditionRow:
    """One row of the board: a basic condition at its three moments and its actions."""

    kind: str
    label: str
    condition: BasicCondition | None
    moments: list[dict[str, Any]] = field(default_factory=list)
    open_actions: list[ConditionAction] = field(default_factory=list)
    done_actions: list[ConditionAction] = field(default_factory=list)


def _board(aftercare: AftercareFile, today: datetime.date) -> list[ConditionRow]:
    conditions = {condition.kind: condition for condition in aftercare.conditions.all()}
    rows = []
    for kind in ConditionKind:
        condition = conditions.get(kind.value)
        row = ConditionRow(kind=kind.value, label=str(kind.label), condition=condition)
        for state_field, note_field in CONDITION_MOMENTS:
            state = getattr(condition, state_field) if condition else ConditionState.UNKNOWN
            row.moments.append(
                {
                    "state": state,
                    "label": ConditionState(state).label,
                    "note": getattr(condition, note_field) if condition else "",
                }
            )
        for action in condition.actions.all() if condition else []:
            action.overdue = action.done_on is None and action.due_on < today
            (row.done_actions if action.done_on else row.open_actions).append(action)
        rows.append(row)
    return rows


def _information_by_source(aftercare: AftercareFile) -> list[dict[str, Any]]:
    records = list(aftercare.information.all())
    return [
        {
            "source": source.value,
            "label": source.label,
            "records": [record for record in records if record.source == source.value],
        }
        for source in InformationSource
    ]


def aftercare_section_context(
    *, aftercare: AftercareFile, user: User, today: datetime.date | None = None
) -> dict[str, Any]:
    """What the case page's aftercare section shows, and which buttons `user` gets."""
    today = today or timezone.localdate()
    case = aftercare.case
    can_work = may_work_on(user, case)
    tasks = list(aftercare.tasks.all())
    for task in tasks:
        task.overdue = task.done_on is None and task.due_on < today
    episodes = list(aftercare.guidance.all())
    for episode in episodes:
        episode.may_record_contact = may_record_guidance_contact(user, case, episode)
    escalated_to = aftercare.escalated_to
    board = _board(aftercare, today)
    return {
        "case": case,
        "aftercare": aftercare,
        "notices": list(aftercare.notices.all()),
        "consent_unknown": aftercare.consent == Consent.UNKNOWN,
        "board": board,
        "actions_done": [
            {"label": row.label, "action": action} for row in board for action in row.done_actions
        ],
        "tasks": tasks,
        "information": _information_by_source(aftercare),
        "episodes": episodes,
        "running_episode": next((episode for episode in episodes if episode.ended_on is None), None),
        "escalated_to": escalated_to,
        "escalated_to_visible": escalated_to is not None
        and cases_visible_to(user).filter(pk=escalated_to.pk).exists(),
        "can_work": can_work,
        "today": today,
    }


# --- The caseload ------------------------------------------------------------------------------------


class CaseloadState(TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


def aftercare_caseload(
    *,
    user: User,
    state: str = CaseloadState.OPEN,
    municipality: Municipality | None = None,
) -> QuerySet[AftercareFile]:
    """The aftercare cases on `user`'s desk, next release task first: the nazorgcoördinator's own cases,
    or, for a guidance worker, those of his running guidance episodes.

    Each carries `next_task_due` and `next_task_kind` (the first open release task), `running_guidance`
    (a list of at most one episode) and its case's `primary_subjects` (for the access log): the same
    queries for 3 or 300 cases."""
    files = AftercareFile.objects.filter(case__in=cases_visible_to(user).values("pk"))
    if user.role == Role.GUIDANCE_WORKER:
        files = files.filter(guidance__worker=user, guidance__ended_on__isnull=True)
    else:
        files = files.filter(case__coordinator=user)
    if state == CaseloadState.CLOSED:
        files = files.filter(case__status=CaseStatus.CLOSED)
    else:
        files = files.exclude(case__status=CaseStatus.CLOSED)
    if municipality is not None:
        files = files.filter(municipality=municipality)
    open_tasks = ReleaseTask.objects.filter(aftercare=OuterRef("pk"), done_on__isnull=True).order_by(
        "due_on", "id"
    )
    return (
        files.annotate(
            next_task_due=Subquery(open_tasks.values("due_on")[:1]),
            next_task_kind=Subquery(open_tasks.values("kind")[:1]),
        )
        .select_related("case", "person", "municipality")
        .prefetch_related(
            primary_subjects_prefetch("case__"),
            Prefetch(
                "guidance",
                queryset=GuidanceEpisode.objects.filter(ended_on__isnull=True).select_related("worker"),
                to_attr="running_guidance",
            ),
        )
        .order_by(F("next_task_due").asc(nulls_last=True), "case__number")
    )


def aftercare_municipalities() -> QuerySet[Municipality]:
    """The municipalities whose residents' aftercare the bureau does."""
    return Municipality.objects.filter(active=True, provides_aftercare=True).order_by("order", "name")
