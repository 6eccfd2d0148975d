"""A new creator brings their own numbers in a real Chromium: the dashboard goes from "unknown" to numbers
marked self-reported (issue 17). The recompute runs in-process on commit, as tasks do in every test."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from influencers.metrics.credibility import SELF_REPORTED_MAX_SCORE
from influencers.models import Post, SocialAccount
from influencers.taxonomy import ModerationStatus
from tests.factories import PASSWORD, InfluencerFactory, SocialAccountFactory, UserFactory


def export_csv() -> bytes:
    today = timezone.localdate()
    rows = [(f"p{n}", today - dt.timedelta(days=2 * n), likes, comments) for n, (likes, comments) in
            enumerate([(400, 20), (380, 30), (420, 25), (360, 15)], start=1)]  # fmt: skip
    lines = ["external_id,posted_at,likes,comments,views"]
    lines += [f"{key},{day}T12:00:00Z,{likes},{comments}," for key, day, likes, comments in rows]
    return ("\n".join(lines) + "\n").encode()


def stat(page: Page, label: str):
    return page.locator(".wf-stat", has=page.locator(".wf-stat-label", has_text=label)).locator(".wf-stat-value")


def test_a_new_creator_uploads_their_export_and_sees_self_reported_numbers(
    page: Page, live_server, login, artifacts_dir
) -> None:
    user = UserFactory(username="noor")
    creator = InfluencerFactory(user=user, handle="noor", status=ModerationStatus.PENDING)
    account = SocialAccountFactory(influencer=creator, platform="instagram", handle="noor.daily", followers=0)

    login("noor", PASSWORD)
    page.goto(f"{live_server.url}/me/")
    expect(stat(page, "Engagement rate")).to_have_text("unknown")
    expect(stat(page, "Credibility")).to_have_text("unknown")
    expect(page.locator("[data-self-reported]")).to_have_count(0)

    page.get_by_role("link", name="Report numbers").click()
    page.wait_for_url(re.compile(rf".*/me/accounts/{account.pk}/metrics/$"))
    upload = page.locator("section", has=page.get_by_role("heading", name="Upload your insights export"))
    upload.get_by_label("Followers now").fill("10000")
    # A mistake first: nothing is saved and the row is named.
    bad = export_csv().replace(b",380,", b",lots,")
    upload.get_by_label("Insights export (CSV of posts)").set_input_files(
        {"name": "insights.csv", "mimeType": "text/csv", "buffer": bad}
    )
    upload.get_by_role("button", name="Upload and save").click()
    expect(page.get_by_role("alert")).to_contain_text("Row 3: likes must be a whole number")
    assert not Post.objects.filter(account=account).exists()

    upload.get_by_label("Followers now").fill("10000")
    upload.get_by_label("Insights export (CSV of posts)").set_input_files(
        {"name": "insights.csv", "mimeType": "text/csv", "buffer": export_csv()}
    )
    upload.get_by_role("button", name="Upload and save").click()
    page.wait_for_url(re.compile(r".*/me/$"))
    expect(page.get_by_text("4 posts of Instagram @noor.daily saved as self-reported")).to_be_visible()

    page.reload()  # the recompute ran on commit of the upload
    numbers = page.locator("section", has=page.get_by_role("heading", name=re.compile("Your numbers")))
    expect(numbers.get_by_role("heading", name=re.compile("Your numbers"))).to_contain_text("Self-reported")
    expect(stat(page, "Followers")).to_have_text("10,000")
    # (420 + 410 + 445 + 375) / 4 posts / 10,000 followers = 4.125 %.
    expect(stat(page, "Engagement rate")).to_have_text(re.compile(r"^4\.1\W*%$"))
    expect(stat(page, "Credibility")).to_have_text(str(SELF_REPORTED_MAX_SCORE))
    expect(numbers.get_by_role("row", name=re.compile("@noor.daily"))).to_contain_text("Self-reported")
    page.screenshot(path=str(artifacts_dir / "self-reported-dashboard.png"), full_page=True)
    assert SocialAccount.objects.get(pk=account.pk).metrics_source == "self_reported"
