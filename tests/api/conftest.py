"""Roles for API tests: two creators, two brands (one member each), staff, and an anonymous client.

Each role gets an APIClient authenticated with its own token, as an integration would.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from brands.accounts.api_tokens import api_token_issue
from brands.models import ApiToken, Brand, BrandMember
from influencers.models import Influencer
from tests.factories import (
    AudienceFactory,
    BrandMemberFactory,
    InfluencerFactory,
    OfferFactory,
    SocialAccountFactory,
    StaffFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password for every user; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def token_client(user) -> APIClient:
    """A client with a key in use, as an integration has: its last use was just recorded, so the
    pinned query counts below are those of every request (last use is written at most once a minute)."""
    issued = api_token_issue(user=user)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    return client


@dataclass
class Roles:
    influencer_a: Influencer
    influencer_b: Influencer
    member_a: BrandMember
    member_b: BrandMember
    staff: object

    @property
    def brand_a(self) -> Brand:
        return self.member_a.brand

    @property
    def brand_b(self) -> Brand:
        return self.member_b.brand

    def client(self, role: str) -> APIClient:
        users = {
            "influencer_a": self.influencer_a.user,
            "influencer_b": self.influencer_b.user,
            "brand_a": self.member_a.user,
            "brand_b": self.member_b.user,
            "staff": self.staff,
        }
        if role == "anonymous":
            return APIClient()
        return token_client(users[role])


ROLES = ("anonymous", "influencer_a", "influencer_b", "brand_a", "brand_b", "staff")


@pytest.fixture
def roles(db) -> Roles:
    influencer_a = InfluencerFactory(handle="anna.style", user=UserFactory(username="anna"), niches=["fashion"])
    influencer_b = InfluencerFactory(handle="bram.tech", user=UserFactory(username="bram"), niches=["tech"])
    for influencer in (influencer_a, influencer_b):
        SocialAccountFactory(influencer=influencer, handle=f"{influencer.handle}.ig", followers=25_000)
        AudienceFactory(influencer=influencer)
        OfferFactory(influencer=influencer)
    return Roles(
        influencer_a=influencer_a,
        influencer_b=influencer_b,
        member_a=BrandMemberFactory(user=UserFactory(username="alice"), brand__name="Acme", brand__slug="acme"),
        member_b=BrandMemberFactory(user=UserFactory(username="bob"), brand__name="Bolt", brand__slug="bolt"),
        staff=StaffFactory(username="mod"),
    )


@pytest.fixture
def api(roles: Roles):
    """api("brand_a") -> an APIClient with brand A's member token."""
    cache: dict[str, APIClient] = {}

    def get(role: str) -> APIClient:
        if role not in cache:
            cache[role] = roles.client(role)
        return cache[role]

    return get
