"""A brand saves a discovery search in a real Chromium, finds it on its dashboard, and hears about a new match.

The moderator's approval and the daily digest run as the services and the beat task would (called here),
between the brand's page visits.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from brands.models import SavedSearch
from brands.tasks import saved_search_digest_task
from influencers.models import Niche
from influencers.services import influencer_moderate
from influencers.taxonomy import NICHES, ModerationStatus
from tests.discovery_data import brand_member, creator
from tests.factories import PASSWORD, StaffFactory


@pytest.fixture
def world():
    for slug, name in NICHES:  # transactional tests flush the seeded taxonomy; the sidebar lists all of it
        Niche.objects.get_or_create(slug=slug, defaults={"name": name})
    member = brand_member(user__username="saver")
    creator("finn.fit", display_name="Finn Fit", niches=("fitness",), moderated_at=timezone.now())
    creator("mila.mode", display_name="Mila Mode", niches=("fashion",))
    return member


def test_a_saved_search_tells_the_brand_about_a_newly_approved_match(
    world, page: Page, live_server, login, artifacts_dir
):
    login("saver", PASSWORD)
    page.goto(f"{live_server.url}/influencers/")
    expect(page.locator("#save-search-form")).to_have_count(0)  # no filter yet: nothing to save

    page.locator('input[name="niches"][value="fitness"]').check()
    expect(page.locator("#results-heading")).to_contain_text("1 creator")
    page.get_by_label("Name this search").fill("Fitness creators")
    page.get_by_role("button", name="Save this search").click()
    page.wait_for_url(re.compile(r".*/influencers/\?niches=fitness$"))
    expect(page.get_by_text("Search “Fitness creators” saved.")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "saved-search-discovery.png"))
    assert SavedSearch.objects.get(brand=world.brand).query == "niches=fitness"

    page.goto(f"{live_server.url}/brand/")
    saved = page.locator("#saved-searches")
    expect(saved.get_by_role("link", name="Fitness creators")).to_have_attribute("href", "/influencers/?niches=fitness")
    expect(saved).to_contain_text("Niches: Fitness")
    expect(saved).to_contain_text("the daily digest has not run yet")
    page.screenshot(path=str(artifacts_dir / "saved-searches-dashboard.png"), full_page=True)

    # A moderator approves a new fitness creator (and a fashion one, which the search must not report).
    jade = creator("jade.gym", display_name="Jade Gym", niches=("fitness",), status=ModerationStatus.PENDING)
    other = creator("olga.outfit", niches=("fashion",), status=ModerationStatus.PENDING)
    moderator = StaffFactory()
    for influencer in (jade, other):
        influencer_moderate(influencer=influencer, decision="approve", reason="", by=moderator)
    with translation.override("en"):  # the digest writes in the worker's language
        assert saved_search_digest_task.apply().get() == 1

    page.goto(f"{live_server.url}/notifications/")
    notice = page.get_by_role("link", name="1 new creator matches your saved search “Fitness creators”.")
    expect(notice).to_be_visible()
    notice.click()
    page.wait_for_url(re.compile(r".*/influencers/\?niches=fitness$"))
    expect(page.locator("#results-heading")).to_contain_text("2 creators")
    expect(page.locator(".creator-card", has_text="@jade.gym")).to_be_visible()

    page.goto(f"{live_server.url}/brand/")
    expect(page.locator("#saved-searches")).to_contain_text("1 new creator in the digest of")
