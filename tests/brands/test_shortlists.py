"""Shortlists: scoped to the brand, created/renamed/deleted, entries with notes, streaming CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.models import Shortlist, ShortlistEntry
from brands.services import shortlist_create, shortlist_entry_add
from config.csv_export import csv_cell
from influencers.kernel.errors import DomainError, NotAllowed
from influencers.taxonomy import ModerationStatus
from tests.discovery_data import brand_member, creator
from tests.factories import ShortlistEntryFactory, ShortlistFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return brand_member()


@pytest.fixture
def brand_client(client, member):
    client.force_login(member.user)
    return client


def test_create_a_list_and_see_it_with_its_size(brand_client, member):
    response = brand_client.post("/brand/shortlists/", {"name": "  Summer   launch "})
    shortlist = Shortlist.objects.get(brand=member.brand)
    assert shortlist.name == "Summer launch"
    assert response.status_code == 302
    assert response["Location"] == f"/brand/shortlists/{shortlist.pk}/"
    ShortlistEntryFactory(shortlist=shortlist, influencer=creator("on.list"))
    html = brand_client.get("/brand/shortlists/").content.decode()
    assert "Summer launch" in html
    assert "1 creator" in html


def test_a_duplicate_or_empty_name_is_refused_next_to_the_field(brand_client, member):
    ShortlistFactory(brand=member.brand, name="Summer")
    response = brand_client.post("/brand/shortlists/", {"name": "summer"})
    assert response.status_code == 400
    assert "You already have a shortlist called “summer”." in response.content.decode()
    assert brand_client.post("/brand/shortlists/", {"name": "   "}).status_code == 400
    assert Shortlist.objects.filter(brand=member.brand).count() == 1


def test_rename_and_delete(brand_client, member):
    shortlist = ShortlistFactory(brand=member.brand, name="Old")
    ShortlistFactory(brand=member.brand, name="Taken")
    assert brand_client.post(f"/brand/shortlists/{shortlist.pk}/rename/", {"name": "New"}).status_code == 302
    shortlist.refresh_from_db()
    assert shortlist.name == "New"
    response = brand_client.post(f"/brand/shortlists/{shortlist.pk}/rename/", {"name": "Taken"})
    assert response.status_code == 400
    assert "already have a shortlist" in response.content.decode()
    assert "Delete “New”?" in brand_client.get(f"/brand/shortlists/{shortlist.pk}/delete/").content.decode()
    assert brand_client.post(f"/brand/shortlists/{shortlist.pk}/delete/").status_code == 302
    assert not Shortlist.objects.filter(pk=shortlist.pk).exists()


def test_someone_elses_list_is_404_everywhere(brand_client):
    other = ShortlistFactory(name="Theirs")
    entry = ShortlistEntryFactory(shortlist=other, influencer=creator("theirs.pick"))
    for url in (
        f"/brand/shortlists/{other.pk}/",
        f"/brand/shortlists/{other.pk}/export.csv",
        f"/brand/shortlists/{other.pk}/delete/",
    ):
        assert brand_client.get(url).status_code == 404, url
    for url, data in (
        (f"/brand/shortlists/{other.pk}/rename/", {"name": "Mine now"}),
        (f"/brand/shortlists/{other.pk}/delete/", {}),
        (f"/brand/shortlists/{other.pk}/entries/{entry.pk}/note/", {"note": "hi"}),
        (f"/brand/shortlists/{other.pk}/entries/{entry.pk}/remove/", {}),
        ("/brand/shortlists/add/", {"influencer": "theirs.pick", "shortlist": other.pk}),
    ):
        response = brand_client.post(url, data)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:  # the add form: "choose one of your shortlists"
            assert not ShortlistEntry.objects.filter(shortlist=other).exclude(pk=entry.pk).exists()
    other.refresh_from_db()
    entry.refresh_from_db()
    assert other.name == "Theirs"
    assert entry.note == ""


def test_users_without_a_brand_get_404(client):
    client.force_login(UserFactory())
    assert client.get("/brand/shortlists/").status_code == 404


def test_add_from_a_result_card_with_htmx_and_without_javascript(brand_client, member):
    influencer = creator("pick.me")
    shortlist = ShortlistFactory(brand=member.brand, name="Picks")
    response = brand_client.post(
        "/brand/shortlists/add/",
        {"influencer": "pick.me", "shortlist": shortlist.pk, "next": "/influencers/?niches=fashion"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "@pick.me added to “Picks”." in response.content.decode()
    assert "<html" not in response.content.decode()
    # Again: already there, said so, nothing duplicated.
    response = brand_client.post(
        "/brand/shortlists/add/", {"influencer": "pick.me", "shortlist": shortlist.pk, "next": "/influencers/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/influencers/"
    assert ShortlistEntry.objects.filter(shortlist=shortlist, influencer=influencer).count() == 1


def test_add_to_a_new_list_from_the_profile(brand_client, member):
    creator("new.pick")
    brand_client.post("/brand/shortlists/add/", {"influencer": "new.pick", "shortlist": "", "new_name": "Autumn"})
    assert Shortlist.objects.get(brand=member.brand, name="Autumn").entries.get().influencer.handle == "new.pick"
    brand_client.post("/brand/shortlists/add/", {"influencer": "new.pick", "shortlist": ""})
    assert Shortlist.objects.get(brand=member.brand, name="My shortlist").entries.count() == 1


def test_hidden_creators_cannot_be_added(brand_client, member):
    creator("gone", status=ModerationStatus.SUSPENDED)
    shortlist = ShortlistFactory(brand=member.brand)
    response = brand_client.post("/brand/shortlists/add/", {"influencer": "gone", "shortlist": shortlist.pk})
    assert response.status_code == 404
    assert not shortlist.entries.exists()


def test_notes_and_removal_with_htmx(brand_client, member):
    shortlist = ShortlistFactory(brand=member.brand)
    entry = ShortlistEntryFactory(shortlist=shortlist, influencer=creator("noted"))
    response = brand_client.post(
        f"/brand/shortlists/{shortlist.pk}/entries/{entry.pk}/note/",
        {"note": "  Great fit for the summer drop "},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    entry.refresh_from_db()
    assert entry.note == "Great fit for the summer drop"
    too_long = brand_client.post(
        f"/brand/shortlists/{shortlist.pk}/entries/{entry.pk}/note/", {"note": "x" * 2001}, HTTP_HX_REQUEST="true"
    )
    assert too_long.status_code == 400
    entry.refresh_from_db()
    assert entry.note == "Great fit for the summer drop"
    removed = brand_client.post(f"/brand/shortlists/{shortlist.pk}/entries/{entry.pk}/remove/", HTTP_HX_REQUEST="true")
    assert removed.status_code == 200
    assert removed.content == b""
    assert not ShortlistEntry.objects.filter(pk=entry.pk).exists()


def test_the_services_check_membership_themselves(member):
    outsider = UserFactory()
    with pytest.raises(NotAllowed):
        shortlist_create(brand=member.brand, name="Sneaky", by=outsider)
    shortlist = shortlist_create(brand=member.brand, name="Real", by=member.user)
    with pytest.raises(NotAllowed):
        shortlist_entry_add(shortlist=shortlist, influencer=creator("x1"), by=outsider)
    with pytest.raises(DomainError):
        shortlist_entry_add(shortlist=shortlist, influencer=creator("x2", is_active=False), by=member.user)


def _export(client, shortlist: Shortlist) -> list[list[str]]:
    response = client.get(f"/brand/shortlists/{shortlist.pk}/export.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_has_the_numbers_and_is_safe_against_formula_injection(brand_client, member):
    shortlist = ShortlistFactory(brand=member.brand, name="Export me")
    evil = creator("evil", display_name='=HYPERLINK("http://x")', city="@SUM(A1)", followers=12_345, er=0.0421)
    ShortlistEntryFactory(shortlist=shortlist, influencer=evil, note="+cmd|' /C calc'!A0", added_by=member.user)
    ShortlistEntryFactory(shortlist=shortlist, influencer=creator("plain", growth=-0.05), note="ok")
    rows = _export(brand_client, shortlist)
    header, *data = rows
    assert header[:6] == ["Handle", "Name", "Profile", "Tier", "Followers", "Engagement rate (%)"]
    by_handle = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    row = by_handle["evil"]
    assert row["Name"] == '\'=HYPERLINK("http://x")'
    assert row["City"] == "'@SUM(A1)"
    assert row["Note"] == "'+cmd|' /C calc'!A0"
    assert row["Followers"] == "12345"
    assert row["Engagement rate (%)"] == "4.21"
    assert row["Profile"].endswith("/influencers/evil/")
    assert row["Cheapest offer (EUR)"] == "250.00"
    assert by_handle["plain"]["30-day growth (%)"] == "-5.00"  # numbers are not mangled


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\t=x", "\t'=x"),
        ("\tx", "\tx"),  # white space before text: text in every spreadsheet
        ("fine", "fine"),
        (12, 12),
    ],
)
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_list_and_detail_pages_run_a_fixed_number_of_queries(brand_client, member):
    shortlist = ShortlistFactory(brand=member.brand)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = brand_client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(queries)

    ShortlistEntryFactory(shortlist=shortlist, influencer=creator("one"))
    small = [count(f"/brand/shortlists/{shortlist.pk}/"), count("/brand/shortlists/")]
    small_export = count(f"/brand/shortlists/{shortlist.pk}/export.csv")
    for i in range(12):
        ShortlistEntryFactory(shortlist=shortlist, influencer=creator(f"more{i}", niches=("food", "travel")))
        ShortlistFactory(brand=member.brand)
    # detail: session, user, membership+brand, shortlist, entries, niches, follower sketches, navigation
    assert [count(f"/brand/shortlists/{shortlist.pk}/"), count("/brand/shortlists/")] == small == [8, 5]
    assert count(f"/brand/shortlists/{shortlist.pk}/export.csv") == small_export


def test_csv_export_has_platforms_and_audience_columns(brand_client, member):
    shortlist = ShortlistFactory(brand=member.brand)
    ShortlistEntryFactory(
        shortlist=shortlist,
        influencer=creator("aud", followers=48_000, audience={"gender_female": 0.62, "gender_male": 0.36}),
    )
    ShortlistEntryFactory(shortlist=shortlist, influencer=creator("noaud", audience=False))
    header, *data = _export(brand_client, shortlist)
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in data}

    assert rows["aud"]["Platforms (followers)"] == "Instagram @aud_instagram 48000"
    assert rows["aud"]["Audience Women (%)"] == "62.00"
    assert rows["aud"]["Audience 18–24 (%)"] == "35.00"
    assert rows["aud"]["Audience top countries"] == "NL 70.00; BE 20.00; DE 10.00"
    assert rows["noaud"]["Audience Women (%)"] == ""  # unknown, not 0
    assert rows["noaud"]["Platforms (followers)"].startswith("Instagram @noaud_instagram")
