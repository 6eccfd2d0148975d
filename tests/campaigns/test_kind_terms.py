"""One table of terms per campaign kind (campaigns.models.TERMS_BY_KIND), and everything that reads it.

The model's validation and check constraints, the service, the brand's form, the admin, the API and
the demo generator all take the terms of a kind from that table, so adding or moving a term is one edit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.test import RequestFactory

from campaigns import demo
from campaigns.forms import CampaignForm
from campaigns.models import KIND_TERMS, TERMS_BY_KIND, TEXT_TERMS, Campaign
from campaigns.serializers import CampaignSerializer
from influencers.taxonomy import WorkKind
from tests.factories import CampaignFactory, StaffFactory

pytestmark = pytest.mark.django_db

TRAITS: dict[str, dict[str, bool]] = {
    WorkKind.SPONSORED_POST: {},
    WorkKind.REVIEW: {"review": True},
    WorkKind.GIVEAWAY: {"giveaway": True},
    WorkKind.AMBASSADORSHIP: {"ambassadorship": True},
}
REQUIRED = [(kind, name) for kind, terms in TERMS_BY_KIND.items() for name in terms.required]


def empty(name: str) -> Any:
    return "" if name in TEXT_TERMS else None


def test_every_kind_has_terms_that_are_campaign_fields() -> None:
    assert set(TERMS_BY_KIND) == set(WorkKind.values)
    for terms in TERMS_BY_KIND.values():
        assert set(terms.required) <= set(terms.fields)
        for name in (*terms.fields, *terms.recorded):
            Campaign._meta.get_field(name)  # raises FieldDoesNotExist for a misspelt term
    # A required text term is "missing" when blank, every other one when NULL: the constraint relies on it.
    required = {name for terms in TERMS_BY_KIND.values() for name in terms.required}
    text = {name for name in required if isinstance(Campaign._meta.get_field(name), models.CharField)}
    assert text == TEXT_TERMS


@pytest.mark.parametrize(("kind", "name"), REQUIRED)
def test_each_required_term_alone_is_checked_by_validation_and_by_the_database(kind: str, name: str) -> None:
    brand = CampaignFactory().brand
    incomplete = CampaignFactory.build(brand=brand, **TRAITS[kind], **{name: empty(name)})
    with pytest.raises(ValidationError) as error:
        incomplete.full_clean()
    assert list(error.value.message_dict) == [name]
    with pytest.raises(IntegrityError), transaction.atomic():
        incomplete.save()


def test_the_admin_opens_the_campaigns_own_terms_and_folds_the_others() -> None:
    campaign = CampaignFactory(giveaway=True)
    request = RequestFactory().get("/")
    request.user = StaffFactory()
    fieldsets = dict(admin.site._registry[Campaign].get_fieldsets(request, campaign))
    for kind, terms in TERMS_BY_KIND.items():
        options = fieldsets[terms.heading]
        assert options["fields"] == terms.fields + terms.recorded
        assert ("collapse" in options["classes"]) == (kind != WorkKind.GIVEAWAY)


def test_the_brands_form_has_one_fieldset_per_kind_in_table_order() -> None:
    fieldsets = CampaignForm().kind_fieldsets()
    assert [(group["kind"], tuple(field.name for field in group["fields"])) for group in fieldsets] == list(
        KIND_TERMS.items()
    )


def test_the_api_takes_every_term_and_documents_which_belong_to_which_kind() -> None:
    fields = CampaignSerializer().fields
    help_text = str(fields["kind"].help_text)
    for kind, terms in TERMS_BY_KIND.items():
        assert all(not fields[name].read_only for name in terms.fields)
        assert all(fields[name].read_only for name in terms.recorded)
        required = ", ".join(f"{name} (required)" if name in terms.required else name for name in terms.fields)
        assert f"{kind}: {required}" in help_text


def test_demo_campaigns_carry_their_own_kinds_terms_and_no_others() -> None:
    demo.seed_demo(influencers=demo.MIN_INFLUENCERS, today=dt.date(2026, 3, 2))
    campaigns = list(Campaign.objects.all())
    assert {campaign.kind for campaign in campaigns} == set(WorkKind.values)
    for campaign in campaigns:
        for name in TERMS_BY_KIND[campaign.kind].required:
            assert getattr(campaign, name) not in (None, ""), (campaign.title, name)
        for kind, names in KIND_TERMS.items():
            if kind != campaign.kind:
                for name in names:
                    default = Campaign._meta.get_field(name).get_default()
                    assert getattr(campaign, name) == default, (campaign.title, name)
