"""The admin upload of a metrics file: a page next to the engine runs, same path as the command.

The page only collects the file; influencers.importers.metrics_import validates, writes (all or
nothing) and records the EngineRun, exactly as `manage.py import_metrics` does.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.urls.resolvers import URLPattern
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importers import COLUMNS, KINDS, ImportFailed, format_from_name, metrics_import
from .kernel.admin_base import admin_user

# Importing writes posts, snapshots and audiences: the permission to add posts is the gate.
IMPORT_PERMISSION = "influencers.add_post"


class MetricsImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV, JSON or JSON Lines (.csv, .json, .jsonl); the columns are listed below."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Records"),
        required=False,
        choices=[("", gettext_lazy("Recognise from the CSV header"))] + [(k, k) for k in KINDS],
        help_text=gettext_lazy("CSV only. JSON files say what they hold."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if format_from_name(upload.name) is None:
            raise forms.ValidationError(_("Upload a .csv, .json or .jsonl file."))
        return upload


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    form = MetricsImportForm(request.POST or None, request.FILES or None)
    failed: ImportFailed | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        try:
            result = metrics_import(
                source=upload.file,
                fmt=cast(str, format_from_name(upload.name)),  # clean_file refused any other name
                kind=form.cleaned_data["kind"] or None,
                by=admin_user(request),
                filename=upload.name,
            )
        except ImportFailed as problem:
            failed = problem
        else:
            summary = "; ".join(
                _("%(kind)s: %(rows)s rows, %(written)s new or changed")
                % {"kind": kind, "rows": f"{rows:,}", "written": f"{result.written.get(kind, 0):,}"}
                for kind, rows in result.rows.items()
            )
            messages.success(request, _("Imported %(file)s. %(summary)s.") % {"file": upload.name, "summary": summary})
            return HttpResponseRedirect(reverse("admin:influencers_enginerun_change", args=[result.run.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Import metrics"),
        "form": form,
        "failed": failed,
        "failed_run": failed.run if failed else None,
        "columns": [(kind, COLUMNS[kind]) for kind in KINDS],
    }
    return TemplateResponse(request, "admin/influencers/import_metrics.html", context)


def import_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    view = model_admin.admin_site.admin_view(lambda request: import_view(model_admin, request))
    return [path("import/", view, name="influencers_enginerun_import")]
