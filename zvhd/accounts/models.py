"""Personal accounts: every user has one role and, for partner staff, the organisation he works for."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPPORT_OFFICER = "support_officer", _("process support officer")
    COORDINATOR = "coordinator", _("process coordinator")
    MANAGER = "manager", _("manager")
    QUALITY_COORDINATOR = "quality_coordinator", _("quality coordinator")
    AFTERCARE_COORDINATOR = "aftercare_coordinator", _("aftercare coordinator")
    GUIDANCE_WORKER = "guidance_worker", _("guidance worker")
    TRAFFICKING_COORDINATOR = "trafficking_coordinator", _("human trafficking chain coordinator")
    PRIVACY_OFFICER = "privacy_officer", _("privacy officer")
    LIAISON = "liaison", _("liaison")
    PARTNER_PROFESSIONAL = "partner_professional", _("partner professional")


# Roles held by staff of partner organisations: they must name the organisation they work for.
PARTNER_ROLES = (Role.LIAISON, Role.PARTNER_PROFESSIONAL)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "reference.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
        help_text=_("The partner organisation of a liaison or partner professional; empty for bureau staff."),
    )
    phone = models.CharField(_("phone number"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=[r.value for r in PARTNER_ROLES]) | Q(organisation__isnull=False),
                name="partner_staff_have_an_organisation",
                violation_error_message=_(
                    "Liaisons and partner professionals must belong to an organisation."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_bureau_staff(self) -> bool:
        return bool(self.role) and self.role not in PARTNER_ROLES

    @property
    def organisation_label(self) -> str:
        """The organisation as the audit log and the interface name it."""
        if self.organisation_id:
            return self.organisation.name
        return str(_("Bureau"))


class RoleReport(models.Model):
    """Who held which privileged role at the start of a quarter, for review (privacy.md §3)."""

    quarter = models.CharField(_("quarter"), max_length=7, unique=True)  # "2026-Q4"
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rows = models.JSONField(_("accounts"), default=list)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("privileged role report")
        verbose_name_plural = _("privileged role reports")
        ordering = ["-quarter"]

    def __str__(self) -> str:
        return self.quarter
