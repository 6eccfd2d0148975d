"""Verifiable giveaway draws: the rule, the commitment, the draw, the public data and who may act.

The central test re-runs a draw with docs/giveaways/verify_draw.py in a subprocess, from what the
public page and its download give an anonymous visitor, and compares the winners.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.draw_algorithm import (
    entries_apply_rule,
    entry_id_canonical,
    entry_list_sha256,
    sha256_hex,
    winners_draw,
)
from campaigns.draws import MAX_ENTRIES_CSV_BYTES, GiveawayDraw
from campaigns.models import Campaign, Collaboration
from campaigns.services import draw_commit, draw_entries_upload, draw_run
from influencers.kernel.errors import DomainError
from influencers.models import AuditEvent
from influencers.taxonomy import ModerationStatus
from tests.factories import BrandMemberFactory, CampaignFactory, CollaborationFactory, InfluencerFactory, StaffFactory

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "giveaways" / "verify_draw.py"
ENTRIES_CSV = "handle,comment\n" + "".join(f"@Fan{n},Love it!\n" for n in range(40)) + "@fan3,again\n"


@pytest.fixture
def giveaway() -> Collaboration:
    """An accepted collaboration on a giveaway whose entries closed yesterday."""
    member = BrandMemberFactory()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    campaign = CampaignFactory(
        brand=member.brand, giveaway=True, starts_on=yesterday - dt.timedelta(days=10), entry_end_date=yesterday
    )
    return CollaborationFactory(campaign=campaign, influencer=InfluencerFactory(), status=Collaboration.Status.ACCEPTED)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def brand_user(collaboration: Collaboration):
    return collaboration.campaign.brand.members.first().user


def api(name: str, collaboration: Collaboration) -> str:
    return reverse(f"api:collaboration-draw-{name}", args=[collaboration.pk])


def run_draw(collaboration: Collaboration, csv: str = ENTRIES_CSV, excluded: list[str] | None = None) -> dict:
    """Upload as the brand, commit as the creator, draw as the brand: the public API's answer."""
    brand, creator = client_for(brand_user(collaboration)), client_for(collaboration.influencer.user)
    body = {"entries_csv": csv, "excluded_handles": excluded or []}
    assert brand.post(api("entries", collaboration), body, format="json").status_code == 201
    assert creator.post(api("commit", collaboration), format="json").status_code == 200
    response = brand.post(api("run", collaboration), format="json")
    assert response.status_code == 200, response.content
    return response.json()


def verify(entries: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(entries), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_a_draw_is_reverified_by_the_documented_script_from_the_public_page_alone(giveaway, tmp_path):
    public_id = run_draw(giveaway, excluded=["@FAN7"])["public_id"]
    anonymous = client_for(None)
    page = anonymous.get(reverse("giveaways:draw", args=[public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    published = {
        key: re.search(rf'id="{key}">([^<]*)<', html).group(1) for key in ("entries-sha256", "seed-sha256", "seed")
    }
    page_winners = re.findall(r"<li>@([a-z0-9._-]+)</li>", html)
    download = anonymous.get(reverse("giveaways:draw_entries", args=[public_id]))
    entries = tmp_path / "entries.txt"
    entries.write_bytes(download.content)

    result = verify(
        entries,
        "--seed", published["seed"],
        "--winners", str(len(page_winners)),
        "--entries-sha256", published["entries-sha256"],
        "--seed-sha256", published["seed-sha256"],
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("winners:\n")[1].split() == page_winners
    assert len(page_winners) == 2  # the campaign's number of winners
    assert anonymous.get(reverse("api:draw-public", args=[public_id])).json()["winners"] == page_winners


def test_tampering_with_one_entry_changes_the_commitment_and_the_script_says_so(giveaway, tmp_path):
    draw_data = run_draw(giveaway)
    draw = GiveawayDraw.objects.get(public_id=draw_data["public_id"])
    entries = draw.entries()
    tampered = [*entries[:-1], "someone.else"]
    assert entry_list_sha256(tampered) != draw.entries_sha256
    assert entry_list_sha256(entries) == draw.entries_sha256
    path = tmp_path / "tampered.txt"
    path.write_text("".join(f"{entry}\n" for entry in tampered))
    result = verify(path, "--seed", draw.seed_hex, "--winners", "2", "--entries-sha256", draw.entries_sha256)
    assert result.returncode == 1
    assert "MISMATCH: the entry list" in result.stderr


def test_duplicates_and_excluded_accounts_are_removed_by_the_rule_with_counts(giveaway):
    csv = "Handle\n@Anna.B\nanna.b\n  ANNA.B \nbob\n@Staff_1\nstaff_1\n\ncara\n"
    data = run_draw(giveaway, csv=csv, excluded=["@staff_1", "nobody.entered"])
    assert (data["raw_count"], data["duplicates_removed"], data["excluded_removed"], data["eligible_count"]) == (
        7,
        3,
        1,
        3,
    )
    draw = GiveawayDraw.objects.get(public_id=data["public_id"])
    assert draw.entries() == ["anna.b", "bob", "cara"]
    assert "staff_1" not in data["winners"]
    html = client_for(None).get(data["page_url"]).content.decode()
    assert 'id="count-duplicates">3<' in html
    assert 'id="count-excluded">1<' in html


def test_the_service_and_the_script_implement_the_same_algorithm(tmp_path):
    entries, counts = entries_apply_rule([entry_id_canonical(h) for h in ("@B", "a", "c", "b")], [])
    assert (entries, counts.duplicates_removed) == (["a", "b", "c"], 1)
    seed = bytes(range(32))
    path = tmp_path / "e.txt"
    path.write_text("a\nb\nc\n")
    result = verify(path, "--seed", seed.hex(), "--winners", "3")
    assert result.stdout.split("winners:\n")[1].split() == winners_draw(seed, entries, 3)


def test_the_seed_stays_secret_until_the_draw_and_an_upload_is_private(giveaway):
    brand, anonymous = client_for(brand_user(giveaway)), client_for(None)
    uploaded = brand.post(api("entries", giveaway), {"entries_csv": ENTRIES_CSV}, format="json").json()
    assert anonymous.get(reverse("api:draw-public", args=[uploaded["public_id"]])).status_code == 404
    assert anonymous.get(reverse("giveaways:draw", args=[uploaded["public_id"]])).status_code == 404
    committed = brand.post(api("commit", giveaway), format="json").json()
    public = anonymous.get(reverse("api:draw-public", args=[committed["public_id"]])).json()
    assert public["seed"] == ""
    assert public["winners"] == []
    assert len(public["seed_sha256"]) == 64
    draw = GiveawayDraw.objects.get()
    assert draw.seed_hex not in anonymous.get(reverse("giveaways:draw", args=[draw.public_id])).content.decode()


def test_a_committed_draw_cannot_change_and_draws_once(giveaway):
    data = run_draw(giveaway)
    brand = client_for(brand_user(giveaway))
    again = brand.post(api("entries", giveaway), {"entries_csv": "handle\nother\nmore\n"}, format="json")
    assert again.status_code == 409
    assert brand.post(api("commit", giveaway), format="json").status_code == 409
    assert brand.post(api("run", giveaway), format="json").status_code == 409
    draw = GiveawayDraw.objects.get()
    assert draw.winners == data["winners"]
    assert draw.raw_count == 41


def test_the_draw_is_recorded_with_the_collaborations_deliverables(giveaway):
    run_draw(giveaway)
    giveaway.refresh_from_db()
    assert giveaway.is_giveaway_winner_announced
    assert Campaign.objects.get(pk=giveaway.campaign_id).winners_announced_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"giveaway.entries_uploaded", "giveaway.committed", "giveaway.drawn"} <= actions


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"entries_csv": "   "}, "entries_csv", "The file is empty"),
        ({"entries_csv": "handle\n"}, "entries_csv", "no entries"),
        ({"entries_csv": "user,comment\nann,hi\n"}, "entries_csv", "needs a “handle” column"),
        ({"entries_csv": "handle\nann\nnot a handle!\n"}, "entries_csv", "Line(s) 3"),
        ({"entries_csv": "handle\nann\nbob\n", "winners_count": 3}, "winners_count", "only 2 eligible"),
        ({"entries_csv": "handle\nann\nbob\n", "excluded_handles": ["bob"]}, "winners_count", "only 1 eligible"),
        ({"entries_csv": "handle\n" + "a\n" * (MAX_ENTRIES_CSV_BYTES // 2)}, "entries_csv", "larger than"),
    ],
    ids=["empty", "header-only", "wrong-columns", "bad-handle", "too-many-winners", "exclusions", "too-large"],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(giveaway, body, field, message):
    response = client_for(brand_user(giveaway)).post(api("entries", giveaway), body, format="json")
    assert response.status_code == 400
    assert message in str(response.json()["fields"][field])
    assert not GiveawayDraw.objects.exists()
    assert not AuditEvent.objects.exists()


def test_entries_are_refused_before_entry_close(giveaway):
    Campaign.objects.filter(pk=giveaway.campaign_id).update(entry_end_date=timezone.localdate() + dt.timedelta(days=1))
    response = client_for(brand_user(giveaway)).post(
        api("entries", giveaway), {"entries_csv": ENTRIES_CSV}, format="json"
    )
    assert response.status_code == 400
    assert "Entries close on" in str(response.json())


@pytest.mark.parametrize("who", ["brand", "creator"])
def test_a_suspended_party_cannot_run_a_draw(giveaway, who):
    brand = client_for(brand_user(giveaway))
    brand.post(api("entries", giveaway), {"entries_csv": ENTRIES_CSV}, format="json")
    stopped = giveaway.campaign.brand if who == "brand" else giveaway.influencer
    type(stopped).objects.filter(pk=stopped.pk).update(status=ModerationStatus.SUSPENDED)
    for user in (brand_user(giveaway), giveaway.influencer.user):
        response = client_for(user).post(api("commit", giveaway), format="json")
        assert response.status_code == 403
        assert "moderation" in response.json()["detail"]
    assert GiveawayDraw.objects.get().status == GiveawayDraw.Status.UPLOADED


def test_staff_and_outsiders_cannot_act_on_a_draw(giveaway):
    body = {"entries_csv": ENTRIES_CSV}
    assert client_for(StaffFactory()).post(api("entries", giveaway), body, format="json").status_code == 403
    assert client_for(BrandMemberFactory().user).post(api("entries", giveaway), body, format="json").status_code == 404
    assert client_for(None).post(api("entries", giveaway), body, format="json").status_code == 401
    assert not GiveawayDraw.objects.exists()


def test_moderators_read_draws_in_the_admin_without_changing_them(client, giveaway):
    run_draw(giveaway)
    draw = GiveawayDraw.objects.get()
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:campaigns_giveawaydraw_change", args=[draw.pk]))
    assert page.status_code == 200
    assert draw.seed_hex in page.content.decode()
    assert client.post(reverse("admin:campaigns_giveawaydraw_change", args=[draw.pk]), {}).status_code == 403


def test_the_worked_example_in_docs_giveaways_md_holds():
    raw = ["@Anna.B", "bob_runs", "anna.b", "@Cara", "brand.staff", "dex-99", " @BOB_RUNS "]
    entries, counts = entries_apply_rule([entry_id_canonical(handle) for handle in raw], ["brand.staff"])
    seed = bytes(range(32))
    doc = (Path(__file__).resolve().parents[2] / "docs" / "giveaways.md").read_text()
    assert (counts.raw, counts.duplicates_removed, counts.excluded_removed, counts.eligible) == (7, 2, 1, 4)
    assert entry_list_sha256(entries) in doc
    assert sha256_hex(seed) in doc
    assert winners_draw(seed, entries, 2) == ["anna.b", "cara"]


def test_the_parties_run_a_draw_from_their_page(client, giveaway):
    url = reverse("giveaways:manage", args=[giveaway.pk])
    client.force_login(giveaway.influencer.user)
    bad = client.post(url, {"action": "upload", "entries": SimpleUploadedFile("e.csv", b"user\nann\n")})
    assert "needs a “handle” column" in bad.content.decode()
    assert not GiveawayDraw.objects.exists()
    upload = SimpleUploadedFile("e.csv", ENTRIES_CSV.encode())
    response = client.post(url, {"action": "upload", "entries": upload, "excluded_handles": "@fan1\nfan2"})
    assert response.status_code == 302
    assert GiveawayDraw.objects.get().excluded_removed == 2
    client.post(url, {"action": "commit"})
    client.force_login(brand_user(giveaway))
    page = client.post(url, {"action": "run"}, follow=True).content.decode()
    draw = GiveawayDraw.objects.get()
    assert draw.is_drawn
    assert reverse("giveaways:draw", args=[draw.public_id]) in page


def test_the_database_refuses_a_draw_that_breaks_its_invariants(giveaway):
    fields = {
        "collaboration": giveaway,
        "winners_count": 1,
        "entries_text": "a\n",
        "entries_sha256": "0" * 64,
        "raw_count": 1,
        "duplicates_removed": 0,
        "excluded_removed": 0,
        "eligible_count": 1,
        "uploaded_at": timezone.now(),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        GiveawayDraw.objects.create(**{**fields, "winners_count": 2})  # more winners than eligible entries
    with pytest.raises(IntegrityError), transaction.atomic():
        GiveawayDraw.objects.create(**fields, status=GiveawayDraw.Status.COMMITTED)  # no commitment
    with pytest.raises(IntegrityError), transaction.atomic():
        GiveawayDraw.objects.create(
            **fields, status=GiveawayDraw.Status.DRAWN, seed_hex="00", seed_sha256="0", committed_at=timezone.now()
        )  # drawn without a time


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_draws_at_once_give_one_result():
    member = BrandMemberFactory()
    closed = timezone.localdate() - dt.timedelta(days=1)
    campaign = CampaignFactory(
        brand=member.brand, giveaway=True, starts_on=closed - dt.timedelta(days=3), entry_end_date=closed
    )
    collaboration = CollaborationFactory(campaign=campaign, status=Collaboration.Status.ACCEPTED)
    draw = draw_entries_upload(collaboration=collaboration, by=member.user, entries_csv=ENTRIES_CSV)
    draw_commit(draw=draw, by=member.user)
    first, second = (GiveawayDraw.objects.select_related("collaboration__campaign__brand").get() for _ in range(2))
    barrier = threading.Barrier(2)
    results: list[str] = []

    def run(view: GiveawayDraw, user) -> None:
        try:
            barrier.wait()
            draw_run(draw=view, by=user)
            results.append("ok")
        except DomainError as error:
            results.append(type(error).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(first, member.user)),
        threading.Thread(target=run, args=(second, collaboration.influencer.user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["Conflict", "ok"]
    assert AuditEvent.objects.filter(action="giveaway.drawn").count() == 1
