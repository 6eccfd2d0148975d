"""A creator brands may no longer see (suspended, rejected or paused) disappears from recommendations and
shortlists: shortlist pages, API and CSV show the entry as "no longer available" with none of its data."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from influencers.taxonomy import ModerationStatus
from tests.factories import (
    BrandMemberFactory,
    CampaignFactory,
    InfluencerFactory,
    MatchFactory,
    OfferFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN = {
    "suspended": {"status": ModerationStatus.SUSPENDED},
    "rejected": {"status": ModerationStatus.REJECTED},
    "paused": {"is_active": False},
}


@pytest.fixture(params=sorted(HIDDEN))
def hidden(request):
    """A creator added while visible, then hidden; their name and handle must not be shown any more."""
    creator = InfluencerFactory(handle=f"gone_{request.param}", display_name="Zq Vanished Person")
    OfferFactory(influencer=creator, price="123.45")
    return creator


def hide(creator) -> None:
    for name, value in HIDDEN[creator.handle.removeprefix("gone_")].items():
        setattr(creator, name, value)
    creator.save()


@pytest.fixture
def member():
    return BrandMemberFactory()


@pytest.fixture
def shortlist(member, hidden):
    shortlist = ShortlistFactory(brand=member.brand)
    ShortlistEntryFactory(shortlist=shortlist, influencer=InfluencerFactory(handle="still_here"))
    ShortlistEntryFactory(shortlist=shortlist, influencer=hidden, note="Our own note")
    hide(hidden)
    return shortlist


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_recommendations_page_leaves_hidden_creators_out(member, hidden):
    campaign = CampaignFactory(brand=member.brand)
    MatchFactory(campaign=campaign, influencer=hidden, rank=1)
    MatchFactory(campaign=campaign, influencer=InfluencerFactory(handle="still_here"), rank=2)
    hide(hidden)
    page = logged_in(member.user).get(reverse("recommendations:list", args=[campaign.pk])).content.decode()
    assert "@still_here" in page
    assert hidden.handle not in page
    assert "Zq Vanished Person" not in page


def test_the_shortlist_page_shows_no_longer_available_without_data(member, shortlist, hidden):
    page = logged_in(member.user).get(reverse("shortlists:detail", args=[shortlist.pk])).content.decode()
    assert "still_here" in page
    assert "No longer available" in page
    assert hidden.handle not in page
    assert "Zq Vanished Person" not in page
    assert "123.45" not in page
    assert "Our own note" in page  # the brand's own note stays, so it can decide what to do


def test_the_shortlist_api_answers_no_data_for_a_hidden_creator(member, shortlist, hidden):
    api = APIClient()
    api.force_authenticate(member.user)
    response = api.get(reverse("api:shortlist-entry-list", args=[shortlist.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert hidden.handle not in body
    assert "Zq Vanished Person" not in body
    rows = {row["note"]: row for row in response.json()["results"]}
    gone = rows["Our own note"]
    assert gone["available"] is False
    assert gone["influencer"] is None
    assert gone["cheapest_offer_price"] is None
    assert gone["primary_platform"] is None
    assert rows[""]["available"] is True
    assert rows[""]["influencer"]["handle"] == "still_here"
    detail = api.get(reverse("api:shortlist-entry-detail", args=[shortlist.pk, gone["id"]]))
    assert detail.json()["influencer"] is None


def test_the_shortlist_csv_exports_no_data_for_a_hidden_creator(member, shortlist, hidden):
    response = logged_in(member.user).get(reverse("shortlists:export", args=[shortlist.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert hidden.handle not in text
    assert "Zq Vanished Person" not in text
    rows = list(csv.reader(io.StringIO(text)))
    header, *entries = rows
    gone = next(row for row in entries if row[1] == "No longer available")
    assert len(gone) == len(header)
    assert gone[0] == ""
    note = header.index("Note")
    assert set(gone[2:note]) == {""}  # none of the creator's data, audience columns included
    assert gone[note] == "Our own note"
    assert any(row[0] == "still_here" for row in entries)


def test_removing_a_hidden_creators_entry_names_nobody(member, shortlist, hidden):
    entry = shortlist.entries.get(influencer=hidden)
    response = logged_in(member.user).post(
        reverse("shortlists:entry_remove", args=[shortlist.pk, entry.pk]), follow=True
    )
    assert "no longer available" in response.content.decode()
    assert hidden.handle not in response.content.decode()
    assert not shortlist.entries.filter(pk=entry.pk).exists()
