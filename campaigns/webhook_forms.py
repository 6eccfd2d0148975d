"""The webhook endpoint form of /account/webhooks/ (the service checks the address and the rights again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .webhook_models import EventType

OWNER_LABELS = {"brand": _("My brand's events"), "creator": _("My creator profile's events")}


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Endpoint address"),
        max_length=500,
        help_text=_("An https:// address that accepts POST requests."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/invloed-hooks"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events to send"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    owner = forms.ChoiceField(label=_("Whose events"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, owners: list[str], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        if len(owners) > 1 and isinstance(owner_field, forms.ChoiceField):
            owner_field.choices = [(owner, OWNER_LABELS[owner]) for owner in owners]
        else:
            del self.fields["owner"]
        if not editing:
            del self.fields["is_active"]
