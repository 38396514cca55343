"""The aftercare section of the case page: the cases app's template loads it by name, so cases imports
nothing of aftercare."""

from __future__ import annotations

from typing import Any

from django import template

from aftercare.models import AftercareFile
from aftercare.selectors import aftercare_detail, aftercare_section_context

register = template.Library()


@register.inclusion_tag("aftercare/_case_section.html", takes_context=True)
def aftercare_section(context: template.Context) -> dict[str, Any]:
    """Notices, consent, the board of the five basic conditions, release, information, guidance and the
    escalation of the case in the context (opened by the case page through the access layer)."""
    case, request = context["case"], context["request"]
    try:
        aftercare = aftercare_detail(case)
    except AftercareFile.DoesNotExist:
        return {"case": case, "aftercare": None}
    return aftercare_section_context(aftercare=aftercare, user=request.user)
