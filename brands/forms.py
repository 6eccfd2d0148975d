"""Forms for sign-up, team invitations and the brand profile. They check input; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from influencers.forms import IdMultipleChoiceField
from influencers.models import Influencer, Niche, handle_validator
from influencers.taxonomy import Country

from .models import Brand
from .services import BRAND_PROFILE_FIELDS

# Service field names that differ from the form's.
SIGNUP_FIELD_MAP = {"password": "password1"}


class _AccountFields(forms.Form):
    """Username, email and a password typed twice, checked against the site's password rules."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @/./+/-/_ only. You log in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("For notifications and password resets."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        get_user_model().username_validator(username)
        return username

    def account_email(self, data: dict[str, Any]) -> str:
        return data.get("email", "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = get_user_model()(username=data.get("username", ""), email=self.account_email(data))
            try:
                validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class InfluencerSignupForm(_AccountFields):
    handle = forms.CharField(
        label=_("Your handle on Invloed"),
        max_length=51,
        help_text=_("Lowercase letters, digits, dots or underscores, e.g. sanne.travels."),
    )
    display_name = forms.CharField(label=_("Name shown to brands"), max_length=120)

    field_order = ["display_name", "handle", "username", "email", "password1", "password2"]

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lstrip("@").lower()
        # Validated after normalising, so "@Sanne.Runs" becomes the valid handle "sanne.runs".
        handle_validator(handle)
        if Influencer.objects.filter(handle=handle).exists():
            raise ValidationError(_("This handle is taken on Invloed; choose another."))
        return handle


class BrandSignupForm(_AccountFields):
    brand_name = forms.CharField(label=_("Brand or company name"), max_length=120)
    website = forms.URLField(label=_("Website"), required=False, max_length=300, assume_scheme="https")
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *Country.choices], required=False)

    field_order = ["brand_name", "website", "country", "username", "email", "password1", "password2"]


class TeamInviteForm(forms.Form):
    email = forms.EmailField(label=_("Teammate's email address"), max_length=254)


class InvitationSignupForm(_AccountFields):
    """A new teammate without an account picks a username and password; the email is the invited one."""

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invited_email = email  # not `email`: that name is the (removed) form field's
        del self.fields["email"]

    def account_email(self, data: dict[str, Any]) -> str:
        return self.invited_email


class BrandProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, max_length=300, assume_scheme="https")
    industry_niches = IdMultipleChoiceField(
        label=_("Industry niches"), queryset=Niche.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Brand
        fields = list(BRAND_PROFILE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"description": _("Plain text, shown to creators on your campaigns.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["industry_niches"].initial = list(self.instance.industry_niches.values_list("pk", flat=True))
