"""A brand switches the site to Dutch in a real Chromium and reads discovery and a profile in Dutch.

The creator is planted with known numbers, so the Dutch strings are known before the page renders:
niches Health/Pets/Parenting read "Gezondheid", "Huisdieren", "Ouderschap"; an engagement rate of 0.056
reads "5,6 %"; 48,250 followers read "48.250"; a growth of 0.0131 reads "+1,3 %"; dates read "14 maart 2026".
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.matching.engine import recompute_campaign_matches
from campaigns.models import Match
from influencers.models import Niche
from influencers.taxonomy import NICHES
from tests.discovery_data import brand_member, creator
from tests.factories import PASSWORD, CampaignFactory, PostFactory

NBSP = "\u00a0"
DUTCH_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
ENGLISH_NICHES = re.compile(r"\b(Health|Pets|Parenting)\b")
# A percentage or an amount with a decimal point ("5.6 %", "EUR 0.85"); Dutch groups thousands with a dot,
# so "48.250" (three digits after the dot) is fine.
DECIMAL_POINT = re.compile(r"\d\.\d{1,2}(?!\d)")


def dutch_date(day: dt.date) -> str:
    return f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def world():
    for slug, name in NICHES:  # transactional tests flush the seeded taxonomy
        Niche.objects.get_or_create(slug=slug, defaults={"name": name})
    member = brand_member(user__username="brandy")
    noor = creator(
        "noor.gezond",
        display_name="Noor Gezond",
        niches=("health", "pets", "parenting"),
        followers=48_250,
        er=0.056,
        growth=0.0131,
        audience={"as_of": dt.date(2026, 3, 14)},
    )
    posted = timezone.now() - dt.timedelta(days=10)
    PostFactory(account=noor.accounts.get(), posted_at=posted, likes=2_500, comments=200)
    # A campaign in Noor's niches, its matches computed by the engine (stored in the site's language, English).
    campaign = CampaignFactory(brand=member.brand, title="Zomeractie", target_genders=["female"])
    campaign.niches.set(Niche.objects.filter(slug__in=["health", "pets"]))
    recompute_campaign_matches(campaign_id=campaign.pk)
    match = Match.objects.get(campaign=campaign, influencer=noor)
    assert "ER 5.6 % on Instagram" in match.explanation
    return noor, timezone.localtime(posted).date(), campaign


def visible(page: Page) -> str:
    return page.locator("main").inner_text()


def test_a_brand_reads_discovery_and_a_profile_in_dutch(world, page: Page, live_server, login, artifacts_dir):
    noor, posted_on, campaign = world
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    login("brandy", PASSWORD)
    page.goto(f"{live_server.url}/influencers/")
    expect(page.locator("main")).to_contain_text("Health")  # English first: the switch is what changes it

    with page.expect_navigation():
        page.locator("#language-select").select_option("nl")
    page.goto(f"{live_server.url}/influencers/")
    assert page.locator("html").get_attribute("lang") == "nl"
    card = page.locator("ol.cards > li", has_text="Noor Gezond")
    expect(card).to_be_visible()
    text = visible(page)
    for dutch in ("Gezondheid", "Huisdieren", "Ouderschap", f"5,6{NBSP}%", "48.250"):
        assert dutch in text, dutch
    assert ENGLISH_NICHES.findall(text) == []
    assert DECIMAL_POINT.findall(text) == []
    page.screenshot(path=str(artifacts_dir / "discovery-dutch.png"))

    card.get_by_role("link", name="Noor Gezond").first.click()
    page.wait_for_url(f"**/influencers/{noor.handle}/")
    text = visible(page)
    for dutch in ("Gezondheid", "Huisdieren", "Ouderschap", f"5,6{NBSP}%", f"+1,3{NBSP}%", "48.250"):
        assert dutch in text, dutch
    assert dutch_date(posted_on) in text  # the recent post
    assert "14 maart 2026" in text  # the audience's "as of"
    assert ENGLISH_NICHES.findall(text) == []
    assert DECIMAL_POINT.findall(text) == []
    page.screenshot(path=str(artifacts_dir / "profile-dutch.png"), full_page=True)

    # The campaign's recommendations: the stored explanation reads in Dutch too, with Dutch numbers.
    page.goto(f"{live_server.url}/brand/campaigns/{campaign.pk}/recommendations/")
    explanation = page.locator(".match .explanation").first
    expect(explanation).to_contain_text("ER 5,6 % op Instagram")
    expect(explanation).to_contain_text("Gezondheid en Huisdieren")
    text = visible(page)
    assert ENGLISH_NICHES.findall(text) == []
    assert DECIMAL_POINT.findall(text) == []
    assert "of the audience" not in text
    # "Apply" the overlap filter, not "apply" to a campaign ("Aanmelden").
    expect(page.locator(".avoid-overlap button")).to_have_text("Toepassen")
    # The longest Dutch component name stays inside its column, clear of its meter.
    label = page.locator(".components li", has_text="Geloofwaardigheid").first.locator("label span")
    assert label.evaluate("(span) => span.scrollWidth <= span.clientWidth")
    page.screenshot(path=str(artifacts_dir / "recommendations-dutch.png"))
    assert errors == []
