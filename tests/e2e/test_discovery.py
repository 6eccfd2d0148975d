"""A brand finds creators in a real Chromium: filter, profile with charts, shortlist + export, compare, invite.

Also: the same discovery works with JavaScript turned off (a plain GET form). Screenshots of the
discovery, profile and compare pages go to test-artifacts/ (and, refreshed by hand, docs/screenshots/).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import Collaboration
from influencers.models import Niche
from influencers.taxonomy import NICHES, Platform, WorkKind
from tests.discovery_data import brand_member, creator
from tests.factories import PASSWORD, CampaignFactory, FollowerSnapshotFactory, PostFactory, SocialAccountFactory

CSP_REPORTER = """document.addEventListener("securitypolicyviolation", (e) => console.error(
  "CSP violation", e.violatedDirective, e.sourceFile + ":" + e.columnNumber,
  e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 200) : ""));"""

CANVAS_PAINTED_PIXELS = """(id) => {
  const canvas = document.getElementById(id);
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
  return painted;
}"""


@pytest.fixture
def world():
    """A brand with an open campaign, and five creators of whom two fit the filters the test sets."""
    for slug, name in NICHES:  # transactional tests flush the seeded taxonomy; the sidebar lists all of it
        Niche.objects.get_or_create(slug=slug, defaults={"name": name})
    member = brand_member(user__username="brandy")
    campaign = CampaignFactory(
        brand=member.brand,
        title="Summer drop",
        target_countries=["NL", "BE"],
        target_genders=["female"],
        platforms=[Platform.INSTAGRAM],
    )
    lotte = creator(
        "lotte.style",
        display_name="Lotte de Vries",
        bio="Slow fashion and vintage finds from Utrecht.",
        followers=48_000,
        er=0.042,
        growth=0.031,
        credibility=88,
        audience_countries={"NL": 0.5, "BE": 0.2, "DE": 0.3},
        offers=((WorkKind.SPONSORED_POST, "450"), (WorkKind.REVIEW, "300")),
    )
    creator("noor.vintage", display_name="Noor Bakker", followers=12_500, er=0.036, credibility=74,
            audience_countries={"BE": 0.45, "NL": 0.05, "FR": 0.5})  # fmt: skip
    creator("sanne.looks", display_name="Sanne Looks", er=0.05, audience_countries={"NL": 0.25, "BE": 0.1, "US": 0.65})
    creator("finn.fit", display_name="Finn Fit", niches=("fitness",), er=0.06)
    creator("mila.mode", display_name="Mila Mode", er=0.015, audience_countries={"NL": 0.6, "DE": 0.4})
    _history_and_posts(lotte)
    return member, campaign


def _history_and_posts(influencer) -> None:
    """Ninety days of followers with a jump, twenty posts (some sponsored), and a spike reason."""
    account = influencer.accounts.get()
    tiktok = SocialAccountFactory(
        influencer=influencer, platform=Platform.TIKTOK, handle="lotte.tt", followers=21_000,
        engagement_rate=0.071, engagement_rate_by_views=0.052, er_sample_size=12, avg_views=24_000,
        metrics_updated_at=timezone.now() - dt.timedelta(hours=2),
    )  # fmt: skip
    today = timezone.localdate()
    followers = 44_000
    for days_ago in range(90, -1, -3):
        followers += 2_500 if days_ago == 42 else 120
        FollowerSnapshotFactory(account=account, date=today - dt.timedelta(days=days_ago), followers=followers)
        FollowerSnapshotFactory(account=tiktok, date=today - dt.timedelta(days=days_ago), followers=followers // 2)
    for i in range(20):
        PostFactory(
            account=account if i % 3 else tiktok,
            posted_at=timezone.now() - dt.timedelta(days=4 * i + 1),
            likes=1_600 + 37 * (i % 7),
            comments=90 + i,
            shares=40,
            views=25_000 if i % 3 == 0 else None,
            is_sponsored=i in (2, 7),
            has_ad_disclosure=i == 2,
        )
    influencer.credibility_reasons = [
        {
            "code": "follower_spike_unexplained",
            "message": "instagram @lotte.style_instagram gained 2,500 followers in three days without a post "
            "with unusual engagement around then: the new followers may not be real.",
            "impact": -15,
            "account": f"instagram @{account.handle}",
            "date": (today - dt.timedelta(days=42)).isoformat(),
            "gain": 2_500,
        }
    ]
    influencer.save(update_fields=["credibility_reasons"])


def _count(page: Page) -> str:
    return page.locator("#results-heading").inner_text()


def _results(page: Page) -> list[str]:
    return page.locator(".creator-card .creator-name p").all_inner_texts()


def _save(page: Page, artifacts_dir, name: str) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(300)  # let the "Updating…" indicator fade out
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)


def _collect(problems: list[str], page: Page, text: str) -> None:
    if "CSP violation" in text or "Content Security Policy" in text:
        problems.append(f"{page.url}: {text}")


def test_a_brand_finds_compares_shortlists_and_invites_a_creator(world, page: Page, live_server, login, artifacts_dir):
    _member, campaign = world
    # Every Content-Security-Policy violation on any page of the journey is reported with its element.
    page.add_init_script(CSP_REPORTER)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and _collect(problems, page, message.text))
    login("brandy", PASSWORD)

    page.goto(f"{live_server.url}/influencers/")
    expect(page.locator("#results-heading")).to_contain_text("5")
    page.evaluate("window.__sameDocument = 'yes'")

    # Filters: niche + audience countries with a minimum share + engagement rate, each applied by htmx.
    page.locator('input[name="niches"][value="fashion"]').check()
    expect(page.locator("#results-heading")).to_contain_text("4")
    # Audience countries: a checkbox list with a find box (no Ctrl-click multi-select).
    find = page.locator(".choices-find").first
    find.fill("belg")
    expect(page.locator('#id_audience_country input[value="NL"]')).to_be_hidden()
    page.locator('#id_audience_country input[value="BE"]').check()
    find.fill("")
    page.locator('#id_audience_country input[value="NL"]').check()
    page.fill("#id_audience_country_min", "40")
    page.press("#id_audience_country_min", "Tab")
    expect(page.locator("#results-heading")).to_contain_text("3")
    page.fill("#id_er_min", "3")
    page.press("#id_er_min", "Tab")
    expect(page.locator("#results-heading")).to_contain_text("2 creators")
    assert sorted(text.split(" ")[0] for text in _results(page)) == ["@lotte.style", "@noor.vintage"]
    assert page.evaluate("window.__sameDocument") == "yes", "the results changed without a page load"
    assert "audience_country_min=40" in page.url  # bookmarkable
    assert "er_min=3" in page.url
    _save(page, artifacts_dir, "discovery")

    # The back button restores the previous result set. With htmx's history cache off (base.html) each step
    # is a request for the whole page, so wait for the filters' own requests to finish first and give the
    # restore the time a loaded CI machine needs (it once took longer than the default 5 s there).
    page.wait_for_load_state("networkidle")
    page.go_back()
    expect(page.locator("#results-heading")).to_contain_text("3", timeout=15_000)
    page.wait_for_load_state("networkidle")
    page.go_forward()
    expect(page.locator("#results-heading")).to_contain_text("2 creators", timeout=15_000)

    # Profile with charts.
    page.get_by_role("link", name="Lotte de Vries").click()
    page.wait_for_url(re.compile(r".*/influencers/lotte\.style/$"))
    expect(page.locator("h1")).to_have_text("Lotte de Vries")
    for chart in ("chart-followers", "chart-engagement", "chart-age", "chart-gender", "chart-countries"):
        page.wait_for_function(f"({CANVAS_PAINTED_PIXELS})('{chart}') > 500")
    # One colour per account in both time charts, and both time axes end today, not at a later tick.
    charts = page.evaluate(
        """() => ["chart-followers", "chart-engagement"].map((id) => {
            const chart = Chart.getChart(document.getElementById(id));
            const colours = {};
            const lines = chart.data.datasets.filter((d) => !d.label.includes("·"));
            lines.forEach((d) => { colours[d.label] = d.borderColor; });
            return {colours, max: chart.scales.x.max, now: Date.now()};
        })"""
    )
    followers, engagement = charts
    shared = set(followers["colours"]) & set(engagement["colours"])
    assert shared, "both charts show the same accounts"
    assert {label: followers["colours"][label] for label in shared} == {
        label: engagement["colours"][label] for label in shared
    }
    # The right edge is the end of the server's today (Europe/Amsterdam), written as a UTC date by the page.
    end_of_today_ms = calendar.timegm((timezone.localdate() + dt.timedelta(days=1)).timetuple()) * 1000
    for chart in charts:
        assert chart["max"] <= end_of_today_ms
    expect(page.get_by_text("Sponsored · no disclosure")).to_be_visible()
    expect(page.get_by_text("gained 2,500 followers")).to_be_visible()
    _save(page, artifacts_dir, "profile")

    # Similar creators load into their card when it scrolls into view (htmx), fashion creators only.
    page.locator("#similar-creators").scroll_into_view_if_needed()
    expect(page.locator("#similar-creators .similar-item")).to_have_count(3)
    expect(page.locator("#similar-creators")).to_contain_text("@noor.vintage")
    expect(page.locator("#similar-creators")).not_to_contain_text("@finn.fit")
    page.evaluate("window.scrollTo(0, 0)")

    # Add to a new shortlist from the profile (htmx swaps the form for the result).
    page.get_by_label("Name for a new shortlist").fill("Summer picks")
    page.get_by_role("button", name="Add to shortlist").click()
    expect(page.get_by_text("@lotte.style added to “Summer picks”.")).to_be_visible()

    # Export it.
    page.goto(f"{live_server.url}/brand/shortlists/")
    page.get_by_role("link", name="Summer picks").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    exported = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["Handle"] for row in rows] == ["lotte.style"]
    assert rows[0]["Followers"] == "48000"

    # Compare the two results, first plain, then for the campaign.
    page.go_back()
    page.goto(f"{live_server.url}/influencers/?niches=fashion&audience_country=NL&audience_country=BE"
              "&audience_country_min=40&er_min=3")  # fmt: skip
    page.get_by_role("checkbox", name="Compare @lotte.style").check()
    page.get_by_role("checkbox", name="Compare @noor.vintage").check()
    page.get_by_role("button", name="Compare selected").click()
    page.wait_for_url(re.compile(r".*/brand/campaigns/compare/.*"))
    expect(page.get_by_role("heading", name="Compare creators")).to_be_visible()
    page.select_option("#compare-campaign", str(campaign.pk))
    page.get_by_role("button", name="Update comparison").click()
    expect(page.get_by_text("Scored for “Summer drop”")).to_be_visible()
    expect(page.locator(".compare-table")).to_contain_text("Match score")
    _save(page, artifacts_dir, "compare")

    # Invite one of them to the campaign.
    page.locator(".compare-table").get_by_role("link", name="Invite").first.click()
    page.fill("#id_proposed_fee", "425")
    page.fill("#id_message", "We love your vintage finds — join our summer drop?")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to @lotte.style for “Summer drop”.")).to_be_visible()
    collaboration = Collaboration.objects.get(campaign=campaign, influencer__handle="lotte.style")
    assert collaboration.status == Collaboration.Status.INVITED
    assert str(collaboration.proposed_fee) == "425.00"

    assert not problems, "\n".join(problems)


def test_discovery_works_without_javascript(world, browser, live_server, artifacts_dir):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("brandy")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/influencers/")
    expect(page.locator("#results-heading")).to_contain_text("5")
    page.locator('input[name="niches"][value="fashion"]').check()
    page.locator('#id_audience_country input[value="NL"]').check()
    page.locator('#id_audience_country input[value="BE"]').check()
    page.fill("#id_audience_country_min", "40")
    page.fill("#id_er_min", "3")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*er_min=3.*"))
    expect(page.locator("#results-heading")).to_contain_text("2 creators")
    assert sorted(text.split(" ")[0] for text in _results(page)) == ["@lotte.style", "@noor.vintage"]
    # The filters stay filled in on the new page, so the search can be refined and bookmarked.
    expect(page.locator("#id_er_min")).to_have_value("3")
    expect(page.locator('input[name="niches"][value="fashion"]')).to_be_checked()
    # Adding to a shortlist is a plain form post too.
    page.locator(".creator-card").filter(has_text="@noor.vintage").get_by_role(
        "button", name="Add to shortlist"
    ).click()
    expect(page.get_by_text("@noor.vintage added to “My shortlist”.")).to_be_visible()
    context.close()


def test_discovery_fits_a_phone_screen(world, browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("brandy")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/influencers/")
    expect(page.locator("#results-heading")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "no sideways scrolling"
    # The filter panel starts folded on a phone and opens from its summary.
    expect(page.locator("#id_q")).to_be_hidden()
    page.locator("#filters-panel > summary").click()
    expect(page.locator("#id_q")).to_be_visible()
    context.close()
