"""A brand reads a campaign's recommendations in a real Chromium: 20 at first, "Show more" appends the next 20.

The rows fetched by htmx keep their order and explanation and can invite; no console error or CSP
violation on the way.
"""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect

from tests.discovery_data import brand_member, creator
from tests.e2e.test_discovery import CSP_REPORTER
from tests.factories import PASSWORD, CampaignFactory, MatchFactory


def test_a_brand_sees_20_recommendations_then_shows_more(page: Page, live_server, login, artifacts_dir):
    member = brand_member(user__username="brandy")
    campaign = CampaignFactory(brand=member.brand, title="Summer drop")
    for rank in range(1, 46):
        MatchFactory(
            campaign=campaign,
            influencer=creator(f"rec{rank}", display_name=f"Creator {rank}"),
            rank=rank,
            score=99 - rank,
            explanation=f"Reason {rank}: 60 % of the audience are women 18–34 in NL/BE.",
            price=Decimal("300"),
        )
    page.add_init_script(CSP_REPORTER)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    login("brandy", PASSWORD)

    page.goto(f"{live_server.url}/brand/campaigns/{campaign.pk}/recommendations/")
    rows = page.locator("#matches > li.match")
    expect(rows).to_have_count(20)
    expect(page.locator("h2", has_text="Recommended creators")).to_be_visible()
    page.evaluate("window.__sameDocument = 'yes'")

    page.get_by_role("link", name="Show more").click()
    expect(rows).to_have_count(40)
    # The focus moves to the first new match (the button it was on is gone), so reading carries on there.
    expect(page.get_by_role("link", name="Creator 21", exact=True)).to_be_focused()
    page.get_by_role("link", name="Show more").click()
    expect(rows).to_have_count(45)
    expect(page.get_by_role("link", name="Show more")).to_have_count(0)
    # htmx appended the rows to this page: no navigation happened.
    assert page.evaluate("window.__sameDocument") == "yes"
    assert rows.locator(".match-rank").all_inner_texts() == [f"#{rank}" for rank in range(1, 46)]
    expect(rows.nth(44).locator(".explanation")).to_have_text(
        "Reason 45: 60 % of the audience are women 18–34 in NL/BE."
    )
    # The legend says what the numbers mean; a fetched row invites by htmx like the first ones.
    page.locator(".metric-legend summary").click()
    expect(page.locator(".metric-legend")).to_contain_text("Followers summed over all of the creator's accounts")
    rows.nth(30).get_by_role("button", name="Invite @rec31").click()
    expect(rows.nth(30).locator(".match-actions")).to_contain_text("Invitation sent to @rec31")
    page.screenshot(path=str(artifacts_dir / "recommendations-show-more.png"), full_page=False)
    assert errors == []
