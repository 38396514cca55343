"""The annual report: the text and manual tables the manager writes for a year, and the PDFs generated
from it, each stored with the data snapshot it was made from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AnnualReport(models.Model):
    """The manager's part of the report of one year: narrative sections, partner quotes and the manual
    tables (finances, staffing). Saved as a draft as often as wanted; `version` refuses stale saves."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    foreword = models.TextField(_("foreword"), blank=True)
    figures_story = models.TextField(_("the story behind the figures"), blank=True)
    signals = models.TextField(_("signals"), blank=True)
    developments = models.TextField(_("developments"), blank=True)
    closing_word = models.TextField(_("closing word"), blank=True)
    # [{"text": "...", "who": "wijkagent, Politie"}]
    quotes = models.JSONField(_("quotes from partners"), default=list, blank=True)
    # [{"item": "Subsidie gemeenten", "budget": "410000", "actual": "405120"}]  (euros, as entered)
    finances = models.JSONField(_("finances"), default=list, blank=True)
    # [{"function": "Procesregisseur", "fte": "6.2"}]
    staffing = models.JSONField(_("staffing (FTE)"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class ReportRendering(models.Model):
    """One generated PDF of an annual report: queued, made by a Celery task that reports its progress,
    then stored with the snapshot (figures and texts) it was made from, so it downloads unchanged."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being generated")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    report = models.ForeignKey(
        AnnualReport, on_delete=models.PROTECT, related_name="renderings", verbose_name=_("annual report")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    report_version = models.PositiveIntegerField(_("version of the texts"), default=0)
    snapshot = models.JSONField(_("data snapshot"), default=dict, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report.year} ({self.requested_at:%Y-%m-%d %H:%M})"
