"""The public page of a giveaway draw in Chromium, without logging in: it shows the commitment, the
rule's counts, the revealed seed and the winners, the entry list downloads, and the documented script
re-runs the draw from exactly what the page gave."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import Collaboration
from campaigns.services import draw_commit, draw_entries_upload, draw_run
from tests.factories import BrandMemberFactory, CampaignFactory, CollaborationFactory, InfluencerFactory

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "giveaways" / "verify_draw.py"


def test_public_draw_page_shows_the_verification_data_without_login(page: Page, live_server, tmp_path, artifacts_dir):
    member = BrandMemberFactory(brand__name="Trailhead")
    closed = timezone.localdate() - dt.timedelta(days=1)
    campaign = CampaignFactory(
        brand=member.brand, giveaway=True, starts_on=closed - dt.timedelta(days=7), entry_end_date=closed
    )
    creator = InfluencerFactory(handle="sanne.runs")
    collaboration = CollaborationFactory(campaign=campaign, influencer=creator, status=Collaboration.Status.ACCEPTED)
    csv = "handle\n" + "".join(f"@runner{n}\n" for n in range(25)) + "@runner4\n@trailhead.staff\n"
    draw = draw_entries_upload(
        collaboration=collaboration, by=member.user, entries_csv=csv, excluded_handles=["trailhead.staff"]
    )
    draw = draw_run(draw=draw_commit(draw=draw, by=creator.user), by=member.user)

    page.goto(live_server.url + reverse("giveaways:draw", args=[draw.public_id]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Giveaway draw")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)  # nobody is logged in
    expect(page.locator("#count-raw")).to_have_text("27")
    expect(page.locator("#count-duplicates")).to_have_text("1")
    expect(page.locator("#count-excluded")).to_have_text("1")
    expect(page.locator("#count-eligible")).to_have_text("25")
    entries_hash = page.locator("#entries-sha256").inner_text()
    seed_hash = page.locator("#seed-sha256").inner_text()
    seed = page.locator("#seed").inner_text()
    winners = [item.removeprefix("@") for item in page.locator("#winners li").all_inner_texts()]
    assert entries_hash == draw.entries_sha256
    assert len(winners) == 2
    page.screenshot(path=str(artifacts_dir / "giveaway-draw.png"), full_page=True)

    with page.expect_download() as download_info:
        page.locator("#entries-download").click()
    entries = tmp_path / "entries.txt"
    download_info.value.save_as(entries)

    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(entries), "--seed", seed, "--winners", str(len(winners)),
         "--entries-sha256", entries_hash, "--seed-sha256", seed_hash],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("winners:\n")[1].split() == winners
