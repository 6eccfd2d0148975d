"""Money and reputation in Chromium, as both sides do it:

the brand approves the content -> the fee is payable -> the brand marks it sent -> the creator confirms
-> the brand completes -> both review -> the scores (with two earlier collaborations: enough history)
are visible to both, with their sample size and a link to their definition.
"""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.ledger_models import LedgerEntry
from campaigns.models import Deliverable
from campaigns.services import deliverable_submit
from campaigns.services.payments import ledger_payment_confirm, ledger_payment_mark_sent
from campaigns.services.reviews import review_submit
from tests.factories import PASSWORD, BrandMemberFactory, InfluencerFactory, UserFactory
from tests.ledger_data import accepted_collaboration, approved_collaboration


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def earlier_history(member, influencer) -> None:
    """Two earlier collaborations, paid on time and reviewed both ways."""
    for _ in range(2):
        done = approved_collaboration(member=member, influencer=influencer, complete=True)
        payable = LedgerEntry.objects.get(collaboration=done, kind=LedgerEntry.Kind.PAYABLE)
        sent = ledger_payment_mark_sent(
            payable=payable, by=member.user, amount_cents=35000, sent_on=timezone.localdate()
        )
        ledger_payment_confirm(sent=sent, by=influencer.user)
        review_submit(collaboration=done, by=member.user, ratings={"quality": 5, "punctuality": 5, "communication": 4})
        review_submit(
            collaboration=done, by=influencer.user, ratings={"brief_clarity": 4, "payment": 5, "communication": 5}
        )


def test_approved_payable_sent_confirmed_reviewed_and_scored(page: Page, browser, live_server, artifacts_dir):
    base = live_server.url
    member = BrandMemberFactory(brand__name="Noorderlicht Koffie")
    influencer = InfluencerFactory(handle="sanne.bakker", user=UserFactory(username="sanne"))
    earlier_history(member, influencer)
    collaboration = accepted_collaboration(member=member, influencer=influencer, fee="420", posts_count=1)
    deliverable = collaboration.deliverables.get()
    deliverable_submit(
        collaboration=collaboration,
        by=influencer.user,
        url="https://www.instagram.com/p/koffie/",
        draft_text="Mijn ochtendkoffie #ad",
        deliverable=deliverable,
    )
    campaign = collaboration.campaign

    # 1. The brand approves the content: the agreed fee becomes payable.
    brand_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    brand = brand_context.new_page()
    log_in(brand, base, member.user.username, PASSWORD)
    brand.goto(f"{base}/brand/campaigns/{campaign.pk}/deliverables/")
    brand.get_by_label("Approve").check()
    brand.get_by_role("button", name="Send review").click()
    expect(brand.get_by_text("Approved.")).to_be_visible()
    assert Deliverable.objects.get(pk=deliverable.pk).status == "approved"
    brand.goto(f"{base}/brand/campaigns/{campaign.pk}/collaborations/{collaboration.pk}/")
    brand.get_by_role("link", name="Payments and reviews").click()
    payable = brand.locator(".wf-payable")
    expect(payable).to_contain_text("EUR 420.00")
    expect(payable).to_have_attribute("data-status", "open")

    # 2. The brand marks the payment sent, with its reference.
    brand.get_by_label("Payment reference").fill("NK-2026-117")
    brand.get_by_role("button", name="Mark payment sent").click()
    expect(brand.get_by_text("Payment marked sent")).to_be_visible()
    expect(brand.locator(".wf-payable")).to_have_attribute("data-status", "sent")

    # 3. The creator sees it and confirms receipt.
    log_in(page, base, "sanne", PASSWORD)
    page.goto(f"{base}/me/collaborations/{collaboration.pk}/")
    page.get_by_role("link", name="Payments and reviews").click()
    expect(page.locator(".wf-payable")).to_contain_text("NK-2026-117")
    page.get_by_role("button", name="Confirm payment received").click()
    expect(page.get_by_text("Payment confirmed as received.")).to_be_visible()
    expect(page.locator(".wf-payable")).to_have_attribute("data-status", "paid")

    # 4. The brand completes the collaboration and reviews the creator; the review stays blind.
    brand.goto(f"{base}/brand/campaigns/{campaign.pk}/collaborations/{collaboration.pk}/")
    brand.get_by_role("button", name="Mark complete").click()
    brand.goto(f"{base}/collaborations/{collaboration.pk}/ledger/")
    review = brand.locator("form", has=brand.get_by_role("button", name="Publish review"))
    for aspect in ("Quality", "Punctuality", "Communication"):
        review.get_by_role("group", name=aspect).get_by_label("5").check()
    review.get_by_label("Comment (optional)").fill("Warm, honest post; delivered early.")
    review.get_by_role("button", name="Publish review").click()
    expect(brand.get_by_text("Review saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Warm, honest post")).to_have_count(0)  # blind until the creator reviews

    # 5. The creator reviews the brand; both reviews are published.
    review = page.locator("form", has=page.get_by_role("button", name="Publish review"))
    for aspect in ("Brief clarity", "Communication", "Payment"):
        review.get_by_role("group", name=aspect).get_by_label("4").check()
    review.get_by_role("button", name="Publish review").click()
    expect(page.get_by_text("Warm, honest post; delivered early.")).to_be_visible()

    # 6. The scores, with their evidence, on the ledger page, the creator's profile and the opportunity page.
    scores = page.locator("#scores")
    expect(scores).to_contain_text(re.compile(r"Pays on time:\s*100 %"))
    expect(scores).to_contain_text("3 of 3 on time, last 365 days")
    expect(scores).to_contain_text("Rated by creators:")
    expect(scores.get_by_role("link", name="definition").first).to_have_attribute("href", "/metrics/#pays-on-time")
    page.screenshot(path=str(artifacts_dir / "ledger_scores.png"), full_page=True)
    brand.goto(f"{base}/influencers/sanne.bakker/")
    track = brand.locator("#reputation")
    expect(track).to_contain_text(re.compile(r"Delivers on time:\s*100 %"))
    expect(track).to_contain_text(re.compile(r"Rated by brands:\s*4\.\d / 5"))
    brand.screenshot(path=str(artifacts_dir / "ledger_profile_track_record.png"), full_page=True)
    brand_context.close()
