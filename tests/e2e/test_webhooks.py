"""Webhooks in Chromium: a brand registers an endpoint (a real receiver on 127.0.0.1), copies the secret shown
once, an invitation sends a signed event, the delivery shows in the log, and the brand redelivers it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from campaigns.services import collaboration_invite
from tests.factories import PASSWORD, BrandMemberFactory, CampaignFactory, InfluencerFactory, UserFactory
from tests.webhook_receiver import documented_verifier, receiving


def test_register_see_the_secret_once_receive_and_redeliver(page: Page, live_server, artifacts_dir):
    base = live_server.url
    member = BrandMemberFactory(user=UserFactory(username="hooks-brand"), brand__name="Noorderlicht Koffie")
    verify = documented_verifier()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("hooks-brand")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    with receiving(200) as receiver:
        page.goto(f"{base}/account/webhooks/")
        page.get_by_label("Endpoint address").fill(receiver.url)
        page.get_by_label("A brand invited a creator").check()
        page.get_by_role("button", name="Add endpoint").click()
        secret = page.locator("#webhook-secret").inner_text().strip()
        assert secret.startswith("whsec_")
        page.screenshot(path=str(artifacts_dir / "webhook-secret.png"), full_page=True)
        page.get_by_role("link", name="Go to the endpoint and its delivery log").click()
        expect(page.locator("body")).not_to_contain_text(secret)
        expect(page.locator("#deliveries")).to_contain_text("Nothing sent yet.")

        collaboration_invite(
            campaign=CampaignFactory(brand=member.brand), influencer=InfluencerFactory(), by=member.user
        )  # committed at once (a transactional test): the event is sent to the receiver
        page.reload()
        delivery = page.locator(".wf-delivery").first
        expect(delivery).to_contain_text("collaboration.invited")
        expect(delivery).to_contain_text("Delivered")
        expect(delivery).to_contain_text("HTTP 200")
        delivery.get_by_role("button", name="Redeliver").click()
        expect(page.locator("body")).to_contain_text("Redelivery queued")
        expect(page.locator(".wf-delivery").first.locator("tbody tr")).to_have_count(2)
        expect(page.locator(".wf-delivery").first).to_contain_text(re.compile(r"#2 \(redelivery\)"))
        page.screenshot(path=str(artifacts_dir / "webhook-log.png"), full_page=True)
    assert len(receiver.received) == 2
    for request in receiver.received:
        assert verify(request.body, request.headers["Invloed-Signature"], secret)
    assert receiver.received[0].headers["Invloed-Event-Id"] == receiver.received[1].headers["Invloed-Event-Id"]
