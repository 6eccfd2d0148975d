"""Ownership in the admin: `Influencer.user`, `Campaign.brand` (and the other owner links) are read-only
on the change form; moving a profile or a campaign is a transfer page with a required reason, which
writes an audit row and notifies both sides."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from brands.models import BrandMember
from influencers.models import AuditEvent, Influencer, Notification
from influencers.taxonomy import ModerationStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def moderator(client: Client) -> Client:
    """A staff member with only the permissions moderation needs (view and change), not a superuser."""
    user = f.UserFactory(is_staff=True)
    codenames = ["view_influencer", "change_influencer", "view_campaign", "change_campaign", "view_brand"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    client.user = user
    return client


def change_page_post_data(page) -> dict:
    """The change form's current values, as the browser would send them back."""
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = str(management[name].value())
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[inline_form.add_prefix(name)] = str(value)
    return data


def test_the_change_form_cannot_reassign_a_creator_profile(moderator: Client) -> None:
    influencer = f.InfluencerFactory(user=f.UserFactory(username="owner"))
    intruder = f.UserFactory(username="intruder")
    url = reverse("admin:influencers_influencer_change", args=[influencer.pk])
    page = moderator.get(url)
    assert "user" not in page.context["adminform"].form.fields
    assert reverse("admin:influencers_influencer_transfer", args=[influencer.pk]) in page.content.decode()

    data = change_page_post_data(page) | {"user": str(intruder.pk), "display_name": "Renamed"}
    response = moderator.post(url, data)
    assert response.status_code == 302
    influencer.refresh_from_db()
    assert influencer.display_name == "Renamed"
    assert influencer.user.username == "owner"


def test_the_change_form_cannot_move_a_campaign_to_another_brand(moderator: Client) -> None:
    campaign = f.CampaignFactory()
    page = moderator.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert "brand" not in page.context["adminform"].form.fields
    assert "brand" in page.context["adminform"].readonly_fields


def test_transferring_a_profile_needs_a_reason_and_writes_nothing_without_one(moderator: Client) -> None:
    influencer = f.InfluencerFactory(user=f.UserFactory(username="owner"))
    f.UserFactory(username="heir")
    url = reverse("admin:influencers_influencer_transfer", args=[influencer.pk])
    response = moderator.post(url, {"username": "heir", "reason": "  "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = moderator.post(url, {"username": "nobody", "reason": "Support ticket 42"})
    assert "No login with this username" in response.content.decode()
    brand_user = f.BrandMemberFactory().user
    response = moderator.post(url, {"username": brand_user.username, "reason": "Support ticket 42"})
    assert "one login has one role" in response.content.decode()
    influencer.refresh_from_db()
    assert influencer.user.username == "owner"
    assert not AuditEvent.objects.exists()
    assert not Notification.objects.exists()


def test_transferring_a_profile_audits_and_notifies_both_sides(moderator: Client) -> None:
    influencer = f.InfluencerFactory(handle="anna.style", user=f.UserFactory(username="owner"))
    heir = f.UserFactory(username="heir")
    url = reverse("admin:influencers_influencer_transfer", args=[influencer.pk])
    response = moderator.post(url, {"username": "Heir", "reason": "Support ticket 42: the agency handed it over"})
    assert response.status_code == 302
    assert Influencer.objects.get(pk=influencer.pk).user == heir
    event = AuditEvent.objects.get(action="influencer.ownership_transferred")
    assert event.actor == moderator.user
    assert event.reason == "Support ticket 42: the agency handed it over"
    assert event.data == {"from": "owner", "to": "heir"}
    told = {n.user.username: n.message for n in Notification.objects.select_related("user")}
    assert set(told) == {"owner", "heir"}
    assert all("Support ticket 42" in message and "@anna.style" in message for message in told.values())


def test_transferring_a_campaign_audits_and_notifies_both_brands(moderator: Client) -> None:
    old_owner = f.BrandMemberFactory(role=BrandMember.Role.OWNER, brand=f.BrandFactory(slug="first"))
    new_owner = f.BrandMemberFactory(role=BrandMember.Role.OWNER, brand=f.BrandFactory(slug="second"))
    pending = f.BrandFactory(slug="pending", status=ModerationStatus.PENDING)
    campaign = f.CampaignFactory(brand=old_owner.brand, title="Trail week")
    url = reverse("admin:campaigns_campaign_transfer", args=[campaign.pk])

    response = moderator.post(url, {"brand_slug": pending.slug, "reason": "Duplicate brand account"})
    assert "only an approved brand" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.brand == old_owner.brand

    response = moderator.post(url, {"brand_slug": "second", "reason": "Duplicate brand account"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.brand == new_owner.brand
    event = AuditEvent.objects.get(action="campaign.ownership_transferred")
    assert event.data == {"from": "first", "to": "second"}
    assert event.reason == "Duplicate brand account"
    assert set(Notification.objects.values_list("user", flat=True)) == {old_owner.user.pk, new_owner.user.pk}


def test_the_transfer_page_needs_the_change_permission(client: Client) -> None:
    viewer = f.UserFactory(is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_influencer"))
    client.force_login(viewer)
    influencer = f.InfluencerFactory(user=f.UserFactory(username="owner"))
    f.UserFactory(username="heir")
    url = reverse("admin:influencers_influencer_transfer", args=[influencer.pk])
    assert client.post(url, {"username": "heir", "reason": "x"}).status_code == 403
    assert Influencer.objects.get(pk=influencer.pk).user.username == "owner"


def test_memberships_and_social_accounts_keep_their_owner_in_the_admin(moderator: Client, client: Client) -> None:
    client.force_login(f.StaffFactory())
    member = f.BrandMemberFactory()
    page = client.get(reverse("admin:brands_brandmember_change", args=[member.pk]))
    assert {"user", "brand"}.isdisjoint(page.context["adminform"].form.fields)
    account = f.SocialAccountFactory()
    page = client.get(reverse("admin:influencers_socialaccount_change", args=[account.pk]))
    assert "influencer" not in page.context["adminform"].form.fields
