"""Reference data of the house: municipalities, partners, topics.

Every row comes from the house's reference data file (see `loading.py`) and stays editable in the
admin. Codes are stable keys that the figures and the demo data refer to; names are what users see.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceQuerySet(models.QuerySet):
    def active(self) -> "ReferenceQuerySet":
        return self.filter(active=True)


class ReferenceModel(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class House(models.Model):
    """The Zorg- en Veiligheidshuis this installation serves (one row)."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    province = models.CharField(_("province"), max_length=100)

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("house")

    def __str__(self) -> str:
        return self.name


class Region(ReferenceModel):
    class Meta(ReferenceModel.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Municipality(ReferenceModel):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    cbs_code = models.CharField(_("CBS municipality code"), max_length=6, unique=True)
    provides_aftercare = models.BooleanField(
        _("aftercare for ex-detainees"),
        default=False,
        help_text=_("The bureau does the aftercare of detained residents of this municipality."),
    )

    class Meta(ReferenceModel.Meta):
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")


class Domain(models.TextChoices):
    """The three domains of the covenant; the figure 'referrals per domain' groups by them."""

    CARE = "care", _("care")
    SAFETY = "safety", _("safety")
    MUNICIPALITY = "municipality", _("municipalities")


class Partner(ReferenceModel):
    """A covenant partner (convenantpartner): an organisation that refers cases and takes part in them."""

    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    is_other_house = models.BooleanField(
        _("another care and safety house"),
        default=False,
        help_text=_("Referrals from this partner are warm handovers from another region."),
    )

    class Meta(ReferenceModel.Meta):
        verbose_name = _("partner")
        verbose_name_plural = _("partners")


class MainTopic(ReferenceModel):
    class Meta(ReferenceModel.Meta):
        verbose_name = _("main topic")
        verbose_name_plural = _("main topics")


class ProblemArea(ReferenceModel):
    """Psychiatric (ggz), intellectual disability (lvb), addiction: two make 'dubbel', three 'triple'."""

    class Meta(ReferenceModel.Meta):
        verbose_name = _("problem area")
        verbose_name_plural = _("problem areas")


class CrossBorderScope(ReferenceModel):
    """Where a case reaches beyond the municipality of the main subject."""

    class Meta(ReferenceModel.Meta):
        verbose_name = _("cross-border aspect")
        verbose_name_plural = _("cross-border aspects")


class AcceptanceCriterion(ReferenceModel):
    """One of the criteria triage checks a referral against."""

    name = models.CharField(_("criterion"), max_length=400)
    sufficient_alone = models.BooleanField(
        _("sufficient on its own"),
        default=False,
        help_text=_(
            "A case qualifies when it meets every criterion that is not sufficient on its own, "
            "or any one that is."
        ),
    )

    class Meta(ReferenceModel.Meta):
        verbose_name = _("acceptance criterion")
        verbose_name_plural = _("acceptance criteria")


class MeetingType(ReferenceModel):
    """A kind of triage table (ketenkamer, routeeroverleg, casustafel …) and who sits at it.

    The cut-off says until when a referral must be complete to be proposed for a meeting's agenda:
    `cutoff_days_before` days before the meeting, at `cutoff_time`.
    """

    weekday = models.PositiveSmallIntegerField(
        _("usual weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
        ],
        default=1,
    )
    cutoff_days_before = models.PositiveSmallIntegerField(_("cut-off: days before the meeting"), default=1)
    cutoff_time = models.TimeField(_("cut-off: time"), default=datetime.time(12, 0))
    seated_partners = models.ManyToManyField(
        Partner,
        blank=True,
        related_name="meeting_types",
        verbose_name=_("partners seated"),
        help_text=_("The organisations whose liaisons take part in this meeting."),
    )

    class Meta(ReferenceModel.Meta):
        verbose_name = _("meeting type")
        verbose_name_plural = _("meeting types")


class LifeDomain(ReferenceModel):
    """A life domain (leefgebied) that goals of an action plan are set in."""

    class Meta(ReferenceModel.Meta):
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")


class CaseLabel(ReferenceModel):
    """A special approach a case carries (PGA, LLA, stalking, …); labels drive figures and access."""

    restricts_access = models.BooleanField(
        _("restricts access"),
        default=False,
        help_text=_("Cases with this label fall under a stricter regime (e.g. cter under the Wet parta)."),
    )

    class Meta(ReferenceModel.Meta):
        verbose_name = _("case label")
        verbose_name_plural = _("case labels")
