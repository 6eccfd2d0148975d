"""Building blocks shared by the admins of all three apps.

- `related_count`: a per-row count that keeps a changelist at one query per page.
- `ViewOnlyAdmin`: for rows only the engines or the services write.
- `ModeratedAdmin`: the moderation workplace — a queue of pending items, approve / reject / suspend
  as bulk actions and from the change page, and the object's moderation history. Every decision goes
  through the app's moderation service, which validates the reason, writes the audit row and
  notifies the owner; the admin only collects the decision and shows the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.urls.resolvers import URLPattern
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import AuditEvent
from ..taxonomy import ModerationStatus
from .errors import DomainError
from .moderation import MODERATION_DECISIONS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A bulk decision runs one service call per object inside one transaction; past this many the
# moderator should narrow the selection (a filter or a search) rather than wait on one request.
BULK_MODERATION_LIMIT = 500
HISTORY_ON_CHANGE_PAGE = 20
# Admin forms read a scheme-less URL as https (Django 6's default), as the site's own forms do.
HTTPS_URL_FIELDS: dict[type[models.Field], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}

DECISION_LABELS: dict[str, Any] = {
    "approve": _("Approve"),
    "reject": _("Reject"),
    "suspend": _("Suspend"),
}
# Wording only: the rule itself (a reason is required except to approve) lives in
# influencers.services.moderation_decide, whose error the form shows next to the field.
REASON_HELP: dict[str, Any] = {
    "approve": _("Optional: a note for the owner and the audit trail."),
    "reject": _("Required: the owner sees it and needs to know what to fix."),
    "suspend": _("Required: the owner sees it and needs to know what to fix."),
}


def related_count(model: type[models.Model], fk: str) -> Coalesce:
    """COUNT(*) of `model` rows whose `fk` points at the outer row, as a correlated subquery.

    Unlike Count() over a JOIN and GROUP BY, PostgreSQL evaluates it only for the rows of the
    page, so a changelist stays one query whatever the table size.
    """
    counts = (
        model._default_manager.filter(**{fk: OuterRef("pk")}).order_by().values(fk).annotate(n=Count("*")).values("n")
    )
    return Coalesce(Subquery(counts, output_field=models.IntegerField()), 0)


def audit_history(target: models.Model, *, limit: int = HISTORY_ON_CHANGE_PAGE) -> list[AuditEvent]:
    """The latest audit events of one object, newest first, with their actors."""
    return list(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
        ).select_related("actor")[:limit]
    )


def admin_user(request: HttpRequest) -> User:
    """The account of an admin request, typed as a real User: admin_site.admin_view lets only active staff in."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def audit_trail_url(target: models.Model) -> str:
    """The AuditEvent changelist filtered to one object."""
    query = urlencode(
        {"content_type__id__exact": str(ContentType.objects.get_for_model(target).pk), "object_id": str(target.pk)}
    )
    return f"{reverse('admin:influencers_auditevent_changelist')}?{query}"


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows written by the engines or the services: moderators read them and may delete them."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=list(DECISION_LABELS.items()), widget=forms.HiddenInput, label=_("Decision"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )

    prefix = "moderation"


class ModeratedAdmin(admin.ModelAdmin):
    """Admin for a model with a moderation status, reason and moderated_at.

    Subclasses name the status fields and implement `moderate` with their app's service.
    """

    moderation_status_field = "status"
    moderation_reason_field = "status_reason"
    change_form_template = "admin/moderation_change_form.html"
    actions = ["approve_selected", "reject_selected", "suspend_selected"]

    def moderate(self, *, obj: Any, decision: str, reason: str, by: User) -> models.Model:
        raise NotImplementedError

    # --- the queue ---------------------------------------------------------------------------
    @property
    def queue_param(self) -> str:
        return f"{self.moderation_status_field}__exact"

    def queue_url(self) -> str:
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return f"{changelist}?{urlencode({self.queue_param: ModerationStatus.PENDING})}"

    def pending_count(self) -> int:
        return self.model._default_manager.filter(**{self.moderation_status_field: ModerationStatus.PENDING}).count()

    def get_ordering(self, request: HttpRequest) -> list[str | Combinable] | tuple[str | Combinable, ...] | tuple[()]:
        # The queue is first come, first served: the oldest pending item on top.
        if request.GET.get(self.queue_param) == ModerationStatus.PENDING:
            return ["created_at"]
        return super().get_ordering(request)

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list[str]:
        # Status changes only through a decision, so every one has an audit row and a notice.
        moderation_fields = [self.moderation_status_field, self.moderation_reason_field, "moderated_at"]
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [field for field in moderation_fields if field not in readonly]

    # --- bulk actions ------------------------------------------------------------------------
    @admin.action(description=_("Approve selected (optional note)"), permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: models.QuerySet) -> HttpResponse | None:
        return self._moderate_selected(request, queryset, "approve", "approve_selected")

    @admin.action(description=_("Reject selected (reason required)"), permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: models.QuerySet) -> HttpResponse | None:
        return self._moderate_selected(request, queryset, "reject", "reject_selected")

    @admin.action(description=_("Suspend selected (reason required)"), permissions=["change"])
    def suspend_selected(self, request: HttpRequest, queryset: models.QuerySet) -> HttpResponse | None:
        return self._moderate_selected(request, queryset, "suspend", "suspend_selected")

    def _moderate_selected(
        self, request: HttpRequest, queryset: models.QuerySet, decision: str, action_name: str
    ) -> HttpResponse | None:
        """First call: a confirmation page asking for the reason. Second call (confirm=yes): decide."""
        objects = list(queryset[: BULK_MODERATION_LIMIT + 1])
        if len(objects) > BULK_MODERATION_LIMIT:
            self.message_user(
                request,
                _("Select at most %(limit)d items at a time (narrow the list with a filter or a search).")
                % {"limit": BULK_MODERATION_LIMIT},
                messages.ERROR,
            )
            return None
        confirmed = request.POST.get("confirm") == "yes"
        data = None
        if confirmed:
            # The action fixes the decision; only the reason comes from the confirmation page.
            data = request.POST.copy()
            data[f"{ModerationForm.prefix}-decision"] = decision
        form = ModerationForm(data, initial={"decision": decision})
        if confirmed and form.is_valid():
            target_status = MODERATION_DECISIONS[decision]
            to_change = [obj for obj in objects if getattr(obj, self.moderation_status_field) != target_status]
            try:
                # All or nothing: a refused decision leaves every selected item as it was.
                with transaction.atomic():
                    for obj in to_change:
                        self.moderate(
                            obj=obj, decision=decision, reason=form.cleaned_data["reason"], by=admin_user(request)
                        )
            except DomainError as exc:
                form.add_error("reason" if exc.field == "reason" else None, exc.message)
            else:
                self._report_bulk(request, decision, changed=len(to_change), unchanged=len(objects) - len(to_change))
                return None
        return self._confirmation_page(
            request,
            form=form,
            decision=decision,
            objects=objects,
            form_action="",
            hidden={"action": action_name, "confirm": "yes"},
            cancel_url=add_preserved_filters(
                {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts},
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
            ),
        )

    def _report_bulk(self, request: HttpRequest, decision: str, *, changed: int, unchanged: int) -> None:
        status_label = ModerationStatus(MODERATION_DECISIONS[decision]).label.lower()
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d %(name)s is now %(status)s; the owner was notified.",
                    "%(count)d %(name)s are now %(status)s; the owners were notified.",
                    changed,
                )
                % {
                    "count": changed,
                    "name": self.opts.verbose_name if changed == 1 else self.opts.verbose_name_plural,
                    "status": status_label,
                },
                messages.SUCCESS,
            )
        if unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d was already %(status)s and was left as it was.",
                    "%(count)d were already %(status)s and were left as they were.",
                    unchanged,
                )
                % {"count": unchanged, "status": status_label},
                messages.WARNING,
            )

    # --- one object, from its change page ----------------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "<path:object_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="{}_{}_moderate".format(*info),
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET: the confirmation page for ?decision=…; POST: take the decision."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]  # ModelAdmin's own helper, missing from django-stubs
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if request.method == "POST":
            form = ModerationForm(request.POST)
            if form.is_valid():
                decision = form.cleaned_data["decision"]
                try:
                    obj = self.moderate(
                        obj=obj, decision=decision, reason=form.cleaned_data["reason"], by=admin_user(request)
                    )
                except DomainError as exc:
                    form.add_error("reason" if exc.field == "reason" else None, exc.message)
                else:
                    self.message_user(
                        request,
                        _("%(object)s is now %(status)s; the owner was notified.")
                        % {"object": obj, "status": ModerationStatus(MODERATION_DECISIONS[decision]).label.lower()},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
            decision = form.data.get(form.add_prefix("decision"), "")
        else:
            decision = request.GET.get("decision", "")
            form = ModerationForm(initial={"decision": decision})
        if decision not in DECISION_LABELS:
            decision = "approve"
            form.initial["decision"] = decision
        return self._confirmation_page(
            request,
            form=form,
            decision=decision,
            objects=[obj],
            form_action=reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_moderate", args=[obj.pk]),
            hidden={},
            cancel_url=change_url,
        )

    def _confirmation_page(
        self,
        request: HttpRequest,
        *,
        form: ModerationForm,
        decision: str,
        objects: list[models.Model],
        form_action: str,
        hidden: dict[str, str],
        cancel_url: str,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(decision)s %(name)s")
            % {
                "decision": DECISION_LABELS[decision],
                "name": self.opts.verbose_name if len(objects) == 1 else self.opts.verbose_name_plural,
            },
            "opts": self.opts,
            "form": form,
            "decision": decision,
            "decision_label": DECISION_LABELS[decision],
            "reason_help": REASON_HELP[decision],
            "reason_required": decision != "approve",
            "objects": [(obj, self._status_label(obj)) for obj in objects],
            "object_count": len(objects),
            "form_action": form_action,
            "hidden": hidden,
            "bulk": bool(hidden),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "cancel_url": cancel_url,
            "single_object": objects[0] if len(objects) == 1 and not hidden else None,
        }
        return TemplateResponse(request, "admin/moderation_confirm.html", context)

    def _status_label(self, obj: models.Model) -> str:
        return getattr(obj, f"get_{self.moderation_status_field}_display")()

    # --- the change page ---------------------------------------------------------------------
    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: models.Model | None = None,
    ) -> HttpResponse:
        if change and obj is not None and not request.GET.get(IS_POPUP_VAR):
            context["moderation"] = self._moderation_panel(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _moderation_panel(self, request: HttpRequest, obj: models.Model) -> dict[str, Any]:
        current = getattr(obj, self.moderation_status_field)
        return {
            "status": current,
            "status_label": self._status_label(obj),
            "reason": getattr(obj, self.moderation_reason_field),
            "moderated_at": getattr(obj, "moderated_at", None),
            "can_moderate": self.has_change_permission(request, obj),
            "form": ModerationForm(),
            # Only decisions that change something: approving an approved profile is a no-op.
            "decisions": [
                (decision, label)
                for decision, label in DECISION_LABELS.items()
                if MODERATION_DECISIONS[decision] != current
            ],
            "url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_moderate", args=[obj.pk]),
            "history": audit_history(obj),
            "history_url": audit_trail_url(obj),
        }


# --- display helpers ---------------------------------------------------------------------------
def format_percent(value: float | None, *, digits: int = 1, signed: bool = False, missing: StrOrPromise = "-") -> str:
    """A fraction as a percentage ("4.1 %"), or `missing` when the number is unknown."""
    if value is None:
        return str(missing)
    return f"{value * 100:{'+' if signed else ''}.{digits}f} %"


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
