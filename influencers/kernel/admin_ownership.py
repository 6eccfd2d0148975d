"""Ownership fields in the admin: read-only on the change form, changed only by a transfer page.

Who owns a creator profile or a campaign decides who gets its money and messages, so moving it is a
moderation action: a page of its own with a required reason, done by the app's service, which
writes the audit row and tells both sides. The ordinary change permission is enough to use it —
the point is that it can no longer happen silently as a side effect of editing other fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.urls.resolvers import URLPattern
from django.utils.translation import gettext_lazy as _

from ..ownership import REASON_MAX_LENGTH
from .admin_base import admin_user
from .errors import DomainError


class OwnershipTransferForm(forms.Form):
    """The new owner (one text field, named by the admin) and the reason."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Required: both the previous and the new owner see it, and the audit trail keeps it."),
    )

    def __init__(self, *args: Any, owner_field: str, owner_label: str, owner_help: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            owner_field: forms.CharField(label=owner_label, max_length=150, help_text=owner_help),
            **self.fields,
        }


class OwnershipReadOnlyAdmin(admin.ModelAdmin):
    """Mix in before ModelAdmin: `ownership_fields` are set when a row is added, then read-only."""

    ownership_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly  # a new row still needs its owner
        return readonly + [field for field in self.ownership_fields if field not in readonly]


class OwnershipTransferAdmin(OwnershipReadOnlyAdmin):
    """Adds the transfer page. Subclasses name the form's owner field (`transfer_owner_field`, label
    and help) and implement `transfer` with their service."""

    transfer_owner_field = "username"
    transfer_owner_label: Any = _("New owner")
    transfer_owner_help: Any = ""

    def transfer(self, *, obj: Any, owner: str, reason: str, by: User) -> models.Model:
        raise NotImplementedError

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        # The change form's object tools link here (templates/admin/change_form_object_tools.html).
        transfer_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_transfer", args=[object_id])
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "transfer_url": transfer_url}
        )

    def get_urls(self) -> list[URLPattern]:
        info = (self.opts.app_label, self.opts.model_name)
        view: Callable[..., HttpResponse] = self.admin_site.admin_view(self.transfer_view)
        return [path("<path:object_id>/transfer/", view, name="{}_{}_transfer".format(*info)), *super().get_urls()]

    def transfer_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = OwnershipTransferForm(
            request.POST if request.method == "POST" else None,
            owner_field=self.transfer_owner_field,
            owner_label=self.transfer_owner_label,
            owner_help=self.transfer_owner_help,
        )
        if request.method == "POST" and form.is_valid():
            try:
                self.transfer(
                    obj=obj,
                    owner=form.cleaned_data[self.transfer_owner_field],
                    reason=form.cleaned_data["reason"],
                    by=admin_user(request),
                )
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                self.message_user(
                    request, _("%(obj)s was transferred; both owners were notified.") % {"obj": obj}, messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "form": form,
            "title": _("Transfer %(obj)s") % {"obj": obj},
        }
        return TemplateResponse(request, "admin/ownership_transfer.html", context)
