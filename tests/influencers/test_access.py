"""`actor_for`: who is asking, from one hand-written statement (influencers/access.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influencers.access import ANONYMOUS, actor_for
from influencers.taxonomy import ModerationStatus
from tests.factories import BrandMemberFactory, InfluencerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_brand_member_gets_their_membership_and_brand_as_the_orm_loads_them():
    member = BrandMemberFactory(role="owner", brand__status=ModerationStatus.SUSPENDED)
    with CaptureQueriesContext(connection) as queries:
        actor = actor_for(member.user)
        # Everything the access rules read is loaded by that one statement.
        assert (actor.brand_id, actor.brand.name, actor.is_brand_owner) == (member.brand_id, member.brand.name, True)
        assert actor.brand_stopped
        assert actor.membership.user is member.user  # the request's own user object
        assert actor.influencer is None
    assert len(queries) == 1
    assert (actor.membership.pk, actor.membership._state.adding) == (member.pk, False)
    assert actor.membership._state.db == "default"


def test_a_creator_gets_their_whole_profile_and_no_membership():
    influencer = InfluencerFactory(display_name="Noor Visser", city="Utrecht")
    actor = actor_for(influencer.user)
    assert actor.influencer_id == influencer.pk
    assert (actor.influencer.display_name, actor.influencer.city) == ("Noor Visser", "Utrecht")
    assert actor.influencer.get_deferred_fields() == set()
    assert (actor.membership, actor.brand) == (None, None)
    # The instance behaves like one the ORM loaded: saving it writes, and only what changed is visible.
    actor.influencer.city = "Leiden"
    actor.influencer.save(update_fields=["city"])
    influencer.refresh_from_db()
    assert (influencer.city, influencer.display_name) == ("Leiden", "Noor Visser")


def test_a_user_who_is_both_gets_both_and_one_with_neither_gets_none():
    both = InfluencerFactory()
    BrandMemberFactory(user=both.user)
    actor = actor_for(both.user)
    assert (actor.influencer_id, actor.brand_id) == (both.pk, both.user.brand_membership.brand_id)
    plain = actor_for(UserFactory())
    assert (plain.influencer, plain.membership) == (None, None)
    assert actor_for(AnonymousUser()) is ANONYMOUS
    assert actor_for(None) is ANONYMOUS
