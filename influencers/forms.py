"""Forms of the creator's own pages (/me/). They check input; the services write.

`add_service_error` turns a service's DomainError or ValidationError into messages next to the
fields they concern, so a rule enforced in a service reads the same as a form check.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .kernel.errors import DomainError
from .models import Audience, Influencer, Niche, Offer, SocialAccount
from .services import (
    AVATAR_MAX_BYTES,
    OFFER_FIELDS,
    PROFILE_FIELDS,
    SOCIAL_ACCOUNT_FIELDS,
    audience_errors,
    social_account_url_error,
)
from .taxonomy import AGE_FIELDS, GENDER_FIELDS, AgeBand, Country, Gender, Language, Platform

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Fees above this are treated as typing mistakes, not negotiations.
MAX_FEE = Decimal("10000000")
MESSAGE_MAX_LENGTH = 4000


def add_service_error(
    form: forms.BaseForm, error: DomainError | ValidationError, field_map: dict | None = None
) -> None:
    """Show a service's error next to the field it names (or above the form when it names none)."""
    field_map = field_map or {}

    def target(name: str | None) -> str | None:
        name = field_map.get(name, name)
        return name if name in form.fields else None

    if isinstance(error, DomainError):
        form.add_error(target(error.field), error.message)
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(target(name), errors)
    else:
        form.add_error(None, error.messages)


# The largest id a database integer column holds (64-bit).
MAX_ID = 2**63 - 1


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses ids no database integer can hold.

    Django passes them on to the query, where SQLite fails with an OverflowError (a 500);
    here they are "not one of the choices", like any other unknown id.
    """

    def _check_values(self, value: Iterable[Any]) -> QuerySet[Any]:
        for pk in value:
            try:
                too_big = abs(int(str(pk))) > MAX_ID
            except ValueError:
                continue  # not a number at all: Django's own check refuses it
            if too_big:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)  # type: ignore[misc]  # Django's private check, not in django-stubs


def service_values(form: forms.BaseForm, names: tuple[str, ...]) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


class ProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages you create in"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    niches = IdMultipleChoiceField(
        label=_("Niches"),
        queryset=Niche.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    avatar = forms.FileField(
        label=_("Profile picture"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 2 MB. We re-encode it and remove location and camera data."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Influencer
        fields = ["display_name", "bio", "country", "city", "languages", "is_active"]
        labels = {"is_active": _("Show my profile to brands")}
        help_texts = {
            "is_active": _("Untick to pause: brands will not find or match you until you tick it again."),
            "bio": _("Plain text, up to 2,000 characters."),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["niches"].initial = list(self.instance.niches.values_list("pk", flat=True))

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and avatar.size > AVATAR_MAX_BYTES:
            raise ValidationError(_("The picture is larger than 2 MB; upload a smaller one."))
        return avatar

    def profile_fields(self) -> dict:
        return service_values(self, PROFILE_FIELDS)


class SocialAccountForm(forms.Form):
    """A plain form: the service, not the model form, refuses an account already on Invloed, with a
    message that says what to do about it."""

    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    handle = forms.CharField(label=_("Handle"), max_length=101, help_text=_("As the platform shows it, without the @."))
    url = forms.URLField(
        label=_("Link to the profile"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("We only store the link; Invloed never visits it."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    followers = forms.IntegerField(
        label=_("Followers"),
        min_value=0,
        max_value=2_000_000_000,
        initial=0,
        help_text=_("Self-reported until imported metrics replace it."),
    )

    def __init__(self, *args, account: SocialAccount | None = None, **kwargs) -> None:
        if account is not None:
            kwargs.setdefault("initial", {name: getattr(account, name) for name in SOCIAL_ACCOUNT_FIELDS})
        super().__init__(*args, **kwargs)
        if account is not None and account.is_self_reported:
            self.fields["followers"].disabled = True
            self.fields["followers"].help_text = _(
                "Self-reported with your numbers: change it on the Report numbers page."
            )
        elif account is not None and account.metrics_updated_at is not None:
            self.fields["followers"].disabled = True
            self.fields["followers"].help_text = _("From imported metrics; updated with every import.")

    def clean_handle(self) -> str:
        return (self.cleaned_data.get("handle") or "").strip().lstrip("@").lower()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        message = social_account_url_error(data.get("platform", ""), data.get("url") or "")
        if message:
            self.add_error("url", message)
        return data

    def account_fields(self) -> dict:
        return service_values(self, SOCIAL_ACCOUNT_FIELDS)


def _percent_field(label: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(
        label=format_lazy("{} (%)", label),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=1,
        max_digits=4,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100", "class": "percent"}),
    )


class AudienceForm(forms.Form):
    """Shares per dimension in percent; stored as fractions. Empty share fields count as 0 %."""

    COUNTRY_ROWS = 5
    LANGUAGE_ROWS = 4

    def __init__(self, *args, audience: Audience | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for band in AgeBand:
            self.fields[f"age_{band.value}"] = _percent_field(band.label)
        for gender in Gender:
            self.fields[f"gender_{gender.value}"] = _percent_field(gender.label)
        for row in range(1, self.COUNTRY_ROWS + 1):
            self.fields[f"country_{row}"] = forms.ChoiceField(
                label=_("Country %(row)d") % {"row": row},
                choices=[("", "—"), *Country.choices],
                required=False,
            )
            self.fields[f"country_share_{row}"] = _percent_field(_("Share %(row)d") % {"row": row})
        for row in range(1, self.LANGUAGE_ROWS + 1):
            self.fields[f"language_{row}"] = forms.ChoiceField(
                label=_("Language %(row)d") % {"row": row},
                choices=[("", "—"), *Language.choices],
                required=False,
            )
            self.fields[f"language_share_{row}"] = _percent_field(_("Share %(row)d") % {"row": row})
        if audience is not None and not self.is_bound:
            self.initial.update(self._initial_from(audience))

    @staticmethod
    def _initial_from(audience: Audience) -> dict:
        def percent(share: float) -> Decimal:
            return (Decimal(str(share)) * 100).quantize(Decimal("0.1"))

        initial: dict[str, Decimal | str] = {
            f"age_{band}": percent(share) for band, share in audience.age_shares().items()
        }
        initial |= {f"gender_{gender}": percent(share) for gender, share in audience.gender_shares().items()}
        for row, country in enumerate(audience.countries.all()[: AudienceForm.COUNTRY_ROWS], start=1):
            initial[f"country_{row}"] = country.country
            initial[f"country_share_{row}"] = percent(country.share)
        languages = sorted((audience.language_shares or {}).items(), key=lambda item: -item[1])
        for row, (code, share) in enumerate(languages[: AudienceForm.LANGUAGE_ROWS], start=1):
            initial[f"language_{row}"] = code
            initial[f"language_share_{row}"] = percent(share)
        return initial

    def groups(self) -> list[dict]:
        """Fieldsets for the template: legend, bound fields and every error of the group."""
        specs = [
            ("ages", _("Age"), [f"age_{band}" for band in AGE_FIELDS]),
            ("genders", _("Gender"), [f"gender_{gender}" for gender in GENDER_FIELDS]),
            (
                "countries",
                _("Top countries"),
                [
                    name
                    for row in range(1, self.COUNTRY_ROWS + 1)
                    for name in (f"country_{row}", f"country_share_{row}")
                ],
            ),
            (
                "languages",
                _("Languages"),
                [
                    name
                    for row in range(1, self.LANGUAGE_ROWS + 1)
                    for name in (f"language_{row}", f"language_share_{row}")
                ],
            ),
        ]
        return [
            {
                "key": key,
                "legend": legend,
                "fields": [self[name] for name in names],
                "errors": [error for name in names for error in self.errors.get(name, [])],
            }
            for key, legend, names in specs
        ]

    def _share(self, name: str) -> float:
        value = self.cleaned_data.get(name)
        return float(value) / 100 if value is not None else 0.0

    def _pairs(self, prefix: str, rows: int) -> dict[str, float]:
        shares: dict[str, float] = {}
        for row in range(1, rows + 1):
            code = self.cleaned_data.get(f"{prefix}_{row}")
            share = self._share(f"{prefix}_share_{row}")
            if not code:
                if share:
                    self.add_error(f"{prefix}_{row}", _("Choose which one this share belongs to."))
                continue
            if code in shares:
                self.add_error(f"{prefix}_{row}", _("Each one can be listed only once."))
                continue
            shares[code] = share
        return shares

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        if self.errors:
            return data
        self.ages = {band: self._share(f"age_{band}") for band in AGE_FIELDS}
        self.genders = {gender: self._share(f"gender_{gender}") for gender in GENDER_FIELDS}
        self.countries = self._pairs("country", self.COUNTRY_ROWS)
        self.languages = self._pairs("language", self.LANGUAGE_ROWS)
        if self.errors:
            return data
        # A dimension's error is shown at the top of its fieldset (see groups()).
        first_field = {
            "ages": "age_13_17",
            "genders": "gender_female",
            "countries": "country_1",
            "languages": "language_1",
        }
        errors = audience_errors(
            ages=self.ages, genders=self.genders, countries=self.countries, languages=self.languages
        )
        for group, message in errors.items():
            self.add_error(first_field[group], message)
        return data

    def shares(self) -> dict[str, dict[str, float]]:
        return {"ages": self.ages, "genders": self.genders, "countries": self.countries, "languages": self.languages}


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = list(OFFER_FIELDS)
        labels = {
            "deliverables": _("What the brand gets"),
            "turnaround_days": _("Turnaround (days)"),
            "is_active": _("Active: shown to brands and used for matching"),
        }
        help_texts = {
            "price": _("Between 0 and 10,000,000."),
            "deliverables": _("For example: one reel of 30–60 s, two stories with link, usage rights for 3 months."),
        }
        widgets = {"deliverables": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["price"].widget.attrs.update({"min": "0", "max": "10000000", "step": "0.01"})

    def offer_fields(self) -> dict:
        return service_values(self, OFFER_FIELDS)


class ApplyForm(forms.Form):
    message = forms.CharField(
        label=_("Why you fit this campaign"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The brand reads this first. Plain text."),
    )
    proposed_fee = forms.DecimalField(
        label=_("Your fee"),
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_FEE,
        max_digits=12,
        decimal_places=2,
        help_text=_("Leave empty to discuss it with the brand."),
    )
    offer = forms.ModelChoiceField(
        label=_("From your rate card"), queryset=Offer.objects.none(), required=False, empty_label=_("None")
    )

    def __init__(self, *args, influencer: Influencer, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer_field = cast(forms.ModelChoiceField, self.fields["offer"])  # declared above
        offer_field.queryset = influencer.offers.active().filter(kind=kind)


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeliverableSubmitForm(forms.Form):
    submitted_url = forms.URLField(
        label=_("Link to the post or draft"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The published post, or a shared link to your draft. Invloed never visits it."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    draft_text = forms.CharField(
        label=_("Caption or draft text"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Include your ad disclosure, for example #ad or #advertentie."),
    )
    confirm_without_disclosure = forms.BooleanField(
        label=_("I confirm the post is disclosed as advertising another way (e.g. the paid-partnership label)."),
        required=False,
    )


# --- self-reported numbers (/me/accounts/<id>/metrics/) ------------------------------------------------

MAX_FOLLOWERS_REPORTED = 2_000_000_000
REPORTED_POST_ROWS = 6
SELF_REPORT_MAX_BYTES = 2 * 1024 * 1024


def _followers_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Followers now"),
        min_value=0,
        max_value=MAX_FOLLOWERS_REPORTED,
        help_text=_("As your account shows it today."),
    )


class SelfReportCsvForm(forms.Form):
    """The insights export: a CSV of posts (docs/import.md, posts columns; platform and account may be left out)."""

    followers = _followers_field()
    export = forms.FileField(
        label=_("Insights export (CSV of posts)"),
        help_text=_(
            "Columns: external_id, posted_at, likes, comments, views (and any other post column of the import "
            "format). Empty counts mean the platform hides them."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_export(self) -> Any:
        export = self.cleaned_data["export"]
        if export.size > SELF_REPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB; an export of your recent posts is far smaller.")
            )
        return export


class SelfReportFollowersForm(forms.Form):
    followers = _followers_field()


class ReportedPostForm(forms.Form):
    posted_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    likes = forms.IntegerField(label=_("Likes"), min_value=0, required=False)
    comments = forms.IntegerField(label=_("Comments"), min_value=0, required=False)
    views = forms.IntegerField(label=_("Views"), min_value=0, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the table's column headings are the visible labels
            field.widget.attrs["aria-label"] = field.label


ReportedPostFormSet = forms.formset_factory(ReportedPostForm, extra=REPORTED_POST_ROWS, max_num=50, validate_max=True)
