"""Forms of the brand's campaign pages. They check input; campaigns/services/ writes."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from influencers.forms import MAX_FEE, MESSAGE_MAX_LENGTH, IdMultipleChoiceField, service_values
from influencers.models import Niche
from influencers.taxonomy import AgeBand, Country, Gender, Language, Platform, PostFormat, Tier, WorkKind

from .domain import CAMPAIGN_FIELDS
from .draws import MAX_ENTRIES_CSV_BYTES
from .models import KIND_TERMS, Campaign, Collaboration, term_default

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _multi(
    label: StrOrPromise, choices: Sequence[tuple[str, StrOrPromise]], help_text: StrOrPromise = ""
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class CampaignForm(forms.ModelForm):
    """One form for the four kinds: every kind's terms are a fieldset; only the chosen kind's count.

    With JavaScript (static/js/campaign_form.js) only the chosen kind's fieldset is shown; without
    it all are shown, and the terms of the other kinds are ignored when saving.
    """

    formats = _multi(_("Formats"), PostFormat.choices)
    platforms = _multi(_("Platforms"), Platform.choices, _("Creators need an account on one of these."))
    target_age_bands = _multi(_("Audience age"), AgeBand.choices, _("Leave empty for any age."))
    target_genders = _multi(_("Audience gender"), Gender.choices, _("Leave empty for any gender."))
    target_countries = forms.MultipleChoiceField(
        label=_("Audience countries"),
        choices=Country.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "searchable-choices"}),
        help_text=_("Leave empty for any country; type in the box to find one."),
    )
    target_languages = _multi(_("Languages"), Language.choices, _("Leave empty for any language."))
    tiers = _multi(
        _("Tiers"),
        Tier.choices,
        _("Nano < 1,000 followers; micro 1,000–99,999; macro 100,000–999,999; mega ≥ 1,000,000."),
    )
    niches = IdMultipleChoiceField(
        label=_("Niches"), queryset=Niche.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_FIELDS)
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 8}),
            "starts_on": _date,
            "ends_on": _date,
            "entry_end_date": _date,
            "winner_announcement_date": _date,
            "kind": forms.RadioSelect,
            "visibility": forms.RadioSelect,
        }
        labels = {
            "posts_count": _("Number of posts"),
            "product_name": _("Product"),
            "product_value": _("Product value"),
            "honest_review_clause": _("The creator may share an honest opinion, including criticism"),
            "prize_value": _("Prize value"),
            "winners_count": _("Number of winners"),
            "entry_end_date": _("Entries close on"),
            "winner_announcement_date": _("Winners announced on"),
            "duration_months": _("Duration (months)"),
            "posts_per_month": _("Posts per month"),
            "monthly_fee": _("Monthly fee"),
            "exclusivity": _("Exclusive: no competing brands during the ambassadorship"),
            "min_followers": _("Minimum followers"),
            "max_followers": _("Maximum followers"),
            "budget_total": _("Total budget"),
            "budget_per_creator": _("Budget per creator"),
            "starts_on": _("Starts on"),
            "ends_on": _("Ends on"),
        }
        help_texts = {"brief": _("What you want, what creators get, do's and don'ts. Plain text.")}

    # Fieldsets of the template, in order; the kind fieldsets come from KIND_TERMS.
    GENERAL = ("title", "brief", "kind")
    AUDIENCE = (
        "niches",
        "platforms",
        "target_age_bands",
        "target_genders",
        "target_countries",
        "target_languages",
        "min_followers",
        "max_followers",
        "tiers",
    )
    MONEY_AND_TIME = ("currency", "budget_total", "budget_per_creator", "starts_on", "ends_on", "visibility")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons without the "---------" blank choice; a new campaign starts as a sponsored post.
        # A model field with choices gets a (typed) ChoiceField from the ModelForm.
        cast(forms.ChoiceField, self.fields["kind"]).choices = WorkKind.choices
        cast(forms.ChoiceField, self.fields["visibility"]).choices = Campaign.Visibility.choices
        if not self.instance.pk:
            self.fields["kind"].initial = WorkKind.SPONSORED_POST
        if self.instance.pk:
            self.fields["niches"].initial = list(self.instance.niches.values_list("pk", flat=True))
            if self.instance.status != Campaign.Status.DRAFT:
                self.fields["kind"].disabled = True
                self.fields["kind"].help_text = _("The kind is fixed once the campaign is published.")
        for name in ("product_value", "prize_value", "monthly_fee", "budget_total", "budget_per_creator"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "0.01"})

    def kind_fieldsets(self) -> list[dict]:
        return [
            {"kind": kind, "legend": WorkKind(kind).label, "fields": [self[name] for name in names]}
            for kind, names in KIND_TERMS.items()
        ]

    def fieldset(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def general_fields(self) -> list[forms.BoundField]:
        return self.fieldset(self.GENERAL)

    def audience_fields(self) -> list[forms.BoundField]:
        return self.fieldset(self.AUDIENCE)

    def money_fields(self) -> list[forms.BoundField]:
        return self.fieldset(self.MONEY_AND_TIME)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind") or self.instance.kind
        # Without JavaScript every kind's fields are posted: the other kinds' terms do not count,
        # so their mistakes must not block saving (the service resets them anyway).
        for other, names in KIND_TERMS.items():
            if other == kind:
                continue
            for name in names:
                self.errors.pop(name, None)
                data[name] = term_default(name)
        return data

    def campaign_fields(self) -> dict:
        return service_values(self, CAMPAIGN_FIELDS)


class AnswerForm(forms.Form):
    """The brand's answer to an application or an action on a collaboration."""

    message = forms.CharField(
        label=_("Message to the creator (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agreed_fee = forms.DecimalField(
        label=_("Agreed fee"),
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_FEE,
        max_digits=12,
        decimal_places=2,
        help_text=_("Empty: the fee the creator proposed."),
    )


class ReviewForm(forms.Form):
    DECISIONS = (("approve", _("Approve")), ("revise", _("Request a revision")))

    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you ask for a revision: say what to change."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "revise" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs to change, so the creator can fix it."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the creators involved)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CollaborationCreatorField(IdMultipleChoiceField):
    """Collaborations chosen by their creator's handle."""

    def label_from_instance(self, obj: Collaboration) -> str:
        return f"@{obj.influencer.handle}"


class WinnersForm(forms.Form):
    announced_in = CollaborationCreatorField(
        label=_("Announced in the channels of"),
        queryset=Collaboration.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(CollaborationCreatorField, self.fields["announced_in"])  # a copy of the declared field
        field.queryset = campaign.collaborations.filter(
            status__in=[
                Collaboration.Status.ACCEPTED,
                Collaboration.Status.CONTENT_SUBMITTED,
                Collaboration.Status.REVISION_REQUESTED,
                Collaboration.Status.APPROVED,
                Collaboration.Status.COMPLETED,
            ]
        ).select_related("influencer")
        field.initial = [c.pk for c in field.queryset if c.is_giveaway_winner_announced]


class DrawUploadForm(forms.Form):
    """A giveaway's entries (CSV with a `handle` column) and its rule's excluded accounts."""

    entries = forms.FileField(label=_("Entries (CSV with a “handle” column)"))
    excluded_handles = forms.CharField(
        label=_("Excluded accounts (one per line, e.g. your staff)"),
        required=False,
        max_length=60_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    winners_count = forms.IntegerField(
        label=_("Winners"), required=False, min_value=1, max_value=1000, help_text=_("Default: the campaign's.")
    )

    def clean_entries(self) -> str:
        upload = self.cleaned_data["entries"]
        if upload.size > MAX_ENTRIES_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from error

    def clean_excluded_handles(self) -> list[str]:
        text = self.cleaned_data["excluded_handles"]
        return [part for part in text.replace(",", "\n").splitlines() if part.strip()]
