"""The whole collaboration loop in Chromium, as its users do it:

creator signs up -> a moderator approves -> brand creates and publishes a giveaway -> creator applies
-> brand accepts -> creator submits without #ad (warned) and then with it -> brand approves -> complete.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import Campaign, Collaboration, Deliverable
from influencers.models import Influencer
from influencers.services import influencer_moderate
from tests.factories import PASSWORD, BrandMemberFactory, StaffFactory

CREATOR_PASSWORD = "a-long-and-unusual-passphrase-42"


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_collaboration_loop_in_chromium(page: Page, browser, live_server, artifacts_dir):
    base = live_server.url

    # 1. A creator signs up and lands on their dashboard, pending review.
    page.goto(f"{base}/accounts/signup/")
    page.get_by_role("link", name="Sign up as a creator").click()
    page.get_by_label("Name shown to brands").fill("Sanne de Vries")
    page.get_by_label("Your handle on Invloed").fill("sanne.runs")
    page.get_by_label("Username").fill("sanne")
    page.get_by_label("Email address").fill("sanne@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(CREATOR_PASSWORD)
    page.get_by_label("Password again").fill(CREATOR_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("A moderator is reviewing your profile")).to_be_visible()

    # 2. A moderator approves the profile.
    influencer = Influencer.objects.get(handle="sanne.runs")
    influencer_moderate(influencer=influencer, decision="approve", reason="", by=StaffFactory())

    # 3. The brand creates a giveaway draft (only the giveaway terms are shown) and publishes it.
    member = BrandMemberFactory()
    brand_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    brand = brand_context.new_page()
    log_in(brand, base, member.user.username, PASSWORD)
    brand.goto(f"{base}/brand/campaigns/new/")
    brand.get_by_label("Title").fill("Win a weekend on the trails")
    brand.get_by_label("Brief").fill("Post about our giveaway; followers enter by commenting.")
    brand.get_by_label("Giveaway").check()
    expect(brand.locator('[data-kind="giveaway"]')).to_be_visible()
    expect(brand.locator('[data-kind="review"]')).to_be_hidden()
    today = timezone.localdate()
    brand.get_by_label(re.compile(r"^Prize:?$")).fill("A weekend for two")
    brand.get_by_label("Prize value").fill("400")
    brand.get_by_label("Number of winners").fill("2")
    brand.get_by_label("Entries close on").fill((today + dt.timedelta(days=7)).isoformat())
    brand.get_by_label("Instagram").first.check()
    brand.get_by_label("Total budget").fill("3000")
    brand.get_by_label("Budget per creator").fill("300")
    brand.get_by_label("Starts on").fill(today.isoformat())
    brand.get_by_label("Ends on").fill((today + dt.timedelta(days=30)).isoformat())
    brand.get_by_role("button", name="Save draft").click()
    expect(brand.get_by_text("Draft saved")).to_be_visible()
    brand.get_by_role("button", name="Publish").click()
    expect(brand.get_by_text("Campaign published")).to_be_visible()
    campaign = Campaign.objects.get(title="Win a weekend on the trails")
    assert (campaign.kind, campaign.status) == ("giveaway", "open")

    # 4. The creator finds it and applies with a message and a fee.
    page.goto(f"{base}/me/opportunities/")
    page.get_by_role("link", name="Win a weekend on the trails").first.click()
    page.get_by_label("Why you fit this campaign").fill("My followers love trail weekends.")
    page.get_by_label("Your fee").fill("250")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Application sent")).to_be_visible()

    # 5. The brand accepts from the applications inbox (htmx swaps the row in place).
    brand.goto(f"{base}/brand/campaigns/{campaign.pk}/applications/")
    expect(brand.get_by_text("My followers love trail weekends.")).to_be_visible()
    brand.get_by_role("button", name="Accept").click()
    expect(brand.locator(".wf-application").get_by_text("Accepted")).to_be_visible()
    collaboration = Collaboration.objects.get(campaign=campaign)
    assert (collaboration.status, str(collaboration.agreed_fee)) == ("accepted", "250.00")

    # 6. The creator submits without a disclosure, is warned, then adds #ad.
    page.goto(f"{base}/me/collaborations/{collaboration.pk}/submit/")
    page.get_by_label("Link to the post or draft").fill("https://www.instagram.com/p/trailweekend/")
    page.get_by_label("Caption or draft text").fill("Win a weekend for two! Comment to enter.")
    expect(page.locator("#disclosure-hint")).to_contain_text("No ad disclosure found yet")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#disclosure-warning")).to_contain_text("No ad disclosure found.")
    expect(page.get_by_text(re.compile("no ad disclosure", re.I))).to_have_count(1)  # said once, not three times
    expect(page.locator("#disclosure-hint")).to_be_hidden()
    assert not Deliverable.objects.filter(status="submitted").exists()
    page.screenshot(path=str(artifacts_dir / "collaboration_loop_disclosure_warning.png"), full_page=True)
    page.get_by_label("Caption or draft text").fill("Win a weekend for two! Comment to enter. #ad")
    expect(page.locator("#disclosure-hint")).to_contain_text("Ad disclosure found: #ad")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile("Submitted for review"))).to_be_visible()
    deliverable = Deliverable.objects.get(collaboration=collaboration)
    assert (deliverable.status, deliverable.has_ad_disclosure, deliverable.disclosure_found) == (
        "submitted",
        True,
        "#ad",
    )

    # 7. The brand approves the content and completes the collaboration.
    brand.goto(f"{base}/brand/campaigns/{campaign.pk}/deliverables/")
    brand.get_by_label("Approve").check()
    brand.get_by_role("button", name="Send review").click()
    expect(brand.get_by_text("Approved.")).to_be_visible()
    brand.goto(f"{base}/brand/campaigns/{campaign.pk}/collaborations/{collaboration.pk}/")
    brand.get_by_role("button", name="Mark complete").click()
    expect(brand.get_by_text("completed", exact=False).first).to_be_visible()
    collaboration.refresh_from_db()
    assert collaboration.status == "completed"

    # The creator sees it completed, and was notified along the way.
    page.goto(f"{base}/me/collaborations/")
    expect(page.locator("table").get_by_text("Completed", exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "collaboration_loop_done.png"), full_page=True)
    brand_context.close()
