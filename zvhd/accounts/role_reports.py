"""The quarterly report of who holds which privileged role (privacy.md §3), and its review.

Privileged: every account of the bureau (its roles reach case files), liaisons (they see referrals on their
meeting's agenda), and whoever may use the admin. Partner professionals see only the cases they are
invited to and are not listed.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from zvhd.accounts.models import Role, RoleReport, User


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def privileged_accounts() -> QuerySet[User]:
    confirmed_device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.filter(is_active=True)
        .filter(~Q(role=Role.PARTNER_PROFESSIONAL) | Q(is_staff=True) | Q(is_superuser=True))
        .select_related("organisation")
        .annotate(has_second_factor=Exists(confirmed_device))
        .order_by("role", "last_name", "first_name")
    )


def _row(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "role": user.role,
        "organisation": user.organisation_label,
        "staff": user.is_staff,
        "superuser": user.is_superuser,
        "second_factor": user.has_second_factor,
        "last_login": user.last_login.isoformat(timespec="minutes") if user.last_login else "",
    }


def role_report_create(*, day: date | None = None) -> RoleReport:
    """The report of the quarter of `day` (today by default); made once, later calls return it."""
    quarter = quarter_of(day or timezone.localdate())
    existing = RoleReport.objects.filter(quarter=quarter).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return RoleReport.objects.create(
                quarter=quarter, rows=[_row(user) for user in privileged_accounts()]
            )
    except IntegrityError:  # made at the same moment by the scheduled job
        return RoleReport.objects.get(quarter=quarter)


@transaction.atomic
def role_report_review(*, report: RoleReport, by: User, note: str) -> RoleReport:
    report = RoleReport.objects.select_for_update().get(pk=report.pk)
    if report.reviewed_at is None:
        report.reviewed_by, report.reviewed_at, report.review_note = by, timezone.now(), note.strip()
        report.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    return report


def role_report_table(report: RoleReport) -> tuple[list[str], list[list[object]]]:
    """Header and rows as the screen and the CSV export show them."""
    labels = dict(Role.choices)
    yes, no = _("yes"), _("no")
    header = [
        _("Username"),
        _("Name"),
        _("Role"),
        _("Organisation"),
        _("Admin"),
        _("Superuser"),
        _("Two-factor"),
        _("Last login"),
    ]
    rows = [
        [
            row["username"],
            row["name"],
            str(labels.get(row["role"], row["role"])),
            row["organisation"],
            yes if row["staff"] else no,
            yes if row["superuser"] else no,
            yes if row["second_factor"] else no,
            row["last_login"],
        ]
        for row in report.rows
    ]
    return header, rows
