"""A brand compares creators in a real Chromium and sees their audience overlap and unique reach.

The creators' follower samples are planted (campaigns/demo/follower_samples.py) and imported; the page's
numbers are checked against the selector's and the planted truth, "no sample" for the creator without one.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from influencers.overlap_selectors import audience_overlap
from tests.discovery_data import brand_member, creator
from tests.factories import PASSWORD
from tests.overlap_data import planted


def test_compare_page_shows_overlap_and_unique_reach(page: Page, live_server, login, artifacts_dir):
    member = brand_member(user__username="brandy")
    assert member.user.username == "brandy"
    world, creators = planted([20_000, 32_000, 12_000], prefix="ov")
    creator("nosample", followers=15_000)
    report = audience_overlap(influencers=creators)
    login("brandy", PASSWORD)

    page.goto(f"{live_server.url}/brand/campaigns/compare/?h=ov0&h=ov1&h=ov2&h=nosample")
    section = page.locator("#audience-overlap")
    expect(section).to_be_visible()
    reach = f"{round(report.reach.value):,}"
    expect(section).to_contain_text(f"These 3 creators reach ~{reach} unique followers")
    expect(section).to_contain_text("of 64,000 followers added up")
    truth = world.union([0, 1, 2])
    assert abs(report.reach.value - truth) <= report.reach.bound
    # Every pair in the table, the planted 38 % pair among them; every number links to its definition.
    table = section.locator(".overlap-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("@ov0 · @ov1")
    top = report.top_pair
    expect(section).to_contain_text(
        f"@{top.larger.handle} and @{top.smaller.handle} share {top.share.value * 100:.0f} %".replace(" %", "\u00a0%")
    )
    expect(section.locator('a[href="/metrics/#unique-reach"]')).to_have_count(1)
    expect(section.locator('a[href="/metrics/#shared-audience"]').first).to_be_visible()
    # Sample size and freshness per creator; the creator without a sample says so.
    expect(section.locator(".overlap-samples")).to_contain_text("imported")
    expect(section.locator(".no-sample")).to_contain_text("@nosample: no sample")
    page.locator("#audience-overlap").screenshot(path=str(artifacts_dir / "compare-overlap.png"))

    # The definition the link points to exists on the metrics page.
    section.locator('a[href="/metrics/#unique-reach"]').click()
    expect(page.locator("#unique-reach")).to_be_visible()
