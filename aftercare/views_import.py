"""The import of detention notices from a DJI file: upload (dry run or import), the results of an import
per row, and the recent imports.

Batches and their row results hold no personal data (line, DJI reference, outcome, a message naming the
column), so showing them writes no access-log record; the import itself logs what it writes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftercare.forms_import import NoticeImportForm
from aftercare.imports import COLUMNS, notices_import
from aftercare.models import ImportBatch, ImportRow
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.services import client_ip

RECENT_IMPORTS = 15
ROWS_PER_PAGE = 200
# The button that imports for real; any other submit (or none) only tries the file.
IMPORT_ACTION = "import"


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE_REGISTER)
def notice_import(request: HttpRequest) -> HttpResponse:
    form = NoticeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        dry_run = request.POST.get("action") != IMPORT_ACTION
        try:
            batch = notices_import(
                by=request.user,  # type: ignore[arg-type]
                file_name=form.file_name,
                content=form.cleaned_data["file"],
                dry_run=dry_run,
                origin=client_ip(request),
            )
        except ValidationError as error:  # the file cannot be read (the form checked it already)
            form.add_error("file", error)
        else:
            if dry_run:
                messages.success(request, _("The file has been tried: nothing has been saved."))
            else:
                messages.success(request, _("The file has been imported."))
            return redirect("aftercare-import-result", batch_pk=batch.pk)
    batches = ImportBatch.objects.select_related("by")[:RECENT_IMPORTS]
    context = {"form": form, "batches": batches, "columns": list(COLUMNS)}
    return render(request, "aftercare/import.html", context)


@require_GET
@capability_required(Capability.AFTERCARE_REGISTER)
def import_result(request: HttpRequest, batch_pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.select_related("by"), pk=batch_pk)
    outcome = request.GET.get("uitkomst", "")
    results = batch.results.all()
    if outcome in ImportRow.Outcome.values:
        results = results.filter(outcome=outcome)
    else:
        outcome = ""
    context = {
        "batch": batch,
        "outcome": outcome,
        "outcomes": ImportRow.Outcome.choices,
        "page": Paginator(results, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "query": f"uitkomst={outcome}" if outcome else "",
    }
    return render(request, "aftercare/import_result.html", context)
