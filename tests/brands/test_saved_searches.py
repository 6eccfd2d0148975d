"""Saved searches: saved from discovery, listed on the dashboard, a daily digest of new matching creators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brands.models import SavedSearch
from brands.saved_search_services import (
    SAVED_SEARCHES_PER_BRAND,
    saved_search_create,
    saved_search_delete,
    saved_search_digest,
    saved_search_update,
)
from brands.selectors import niche_labels, saved_search_query_normalize, saved_search_summary
from brands.tasks import saved_search_digest_task
from influencers.kernel.errors import DomainError, NotAllowed
from influencers.models import AuditEvent, Notification
from influencers.services import influencer_moderate
from influencers.taxonomy import ModerationStatus
from tests.discovery_data import brand_member, creator
from tests.factories import BrandMemberFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

FITNESS = "niches=fitness&platform=instagram"


@pytest.fixture
def member():
    return brand_member()


def _save(member, name: str = "Fitness on Instagram", query: str = FITNESS) -> SavedSearch:
    return saved_search_create(brand=member.brand, name=name, query=query, by=member.user)


# --- creating, renaming, deleting ---------------------------------------------------------------------


def test_the_query_is_normalized_to_the_discovery_filters_only():
    assert (
        saved_search_query_normalize(
            "platform=instagram&cursor=abc&niches=fitness&niches=beauty&q=&utm=x&sort=&currency=EUR"
        )
        == "niches=beauty&niches=fitness&platform=instagram"
    )


def test_create_stores_the_normalized_query_and_watches_from_now(member):
    before = timezone.now()
    saved = _save(member, name="  Fitness   on Instagram ", query="platform=instagram&cursor=xyz&niches=fitness")
    assert saved.name == "Fitness on Instagram"
    assert saved.query == FITNESS
    assert saved.notify is True
    assert saved.checked_until >= before
    assert saved.created_by == member.user
    assert AuditEvent.objects.filter(action="saved_search.created").count() == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Save a search with at least one filter."),
        ("sort=followers&currency=EUR&cursor=x", "Save a search with at least one filter."),
        ("followers_min=-5", "Followers from: Ensure this value is greater than or equal to 0."),
        ("platform=myspace", "Platforms: Select a valid choice. myspace is not one of the available choices."),
    ],
)
def test_an_empty_or_invalid_search_is_refused_with_the_filters_message_and_nothing_is_written(member, query, message):
    with pytest.raises(DomainError) as error:
        _save(member, query=query)
    assert error.value.message == message
    assert not SavedSearch.objects.exists()


def test_a_duplicate_name_is_refused_case_insensitively(member):
    _save(member, name="Fitness")
    with pytest.raises(DomainError, match=r"You already have a saved search called “FITNESS”\."):
        _save(member, name="FITNESS", query="platform=tiktok")
    other_brand = brand_member()
    _save(other_brand, name="Fitness")  # another brand may use the same name
    assert SavedSearch.objects.count() == 2


def test_the_number_per_brand_is_capped_with_a_clear_message(member):
    SavedSearch.objects.bulk_create(
        SavedSearch(brand=member.brand, name=f"Search {n}", query=FITNESS, checked_until=timezone.now())
        for n in range(SAVED_SEARCHES_PER_BRAND)
    )
    full = r"Your brand has 50 saved searches, the most it can keep; delete one first\."
    with pytest.raises(DomainError, match=full):
        _save(member, name="One more")
    assert SavedSearch.objects.count() == SAVED_SEARCHES_PER_BRAND


def test_only_members_of_a_brand_in_good_standing_write(member):
    saved = _save(member)
    outsider = brand_member()
    with pytest.raises(NotAllowed):
        saved_search_update(saved_search=saved, by=outsider.user, name="Mine")
    with pytest.raises(NotAllowed):
        saved_search_delete(saved_search=saved, by=UserFactory())
    member.brand.status = ModerationStatus.SUSPENDED
    member.brand.save()
    with pytest.raises(NotAllowed):
        _save(member, name="Another")
    assert SavedSearch.objects.get().name == "Fitness on Instagram"


def test_rename_toggle_and_delete(member):
    saved = _save(member)
    _save(member, name="Taken", query="platform=tiktok")
    with pytest.raises(DomainError):
        saved_search_update(saved_search=saved, by=member.user, name="taken")
    saved_search_update(saved_search=saved, by=member.user, name="Gym", notify=False)
    saved.refresh_from_db()
    assert (saved.name, saved.notify) == ("Gym", False)
    saved_search_delete(saved_search=saved, by=member.user)
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()
    assert AuditEvent.objects.filter(action="saved_search.deleted").count() == 1


def test_the_summary_says_the_filters_in_words():
    assert saved_search_summary("platform=instagram&followers_min=10000&sort=followers&niches=fitness") == (
        "Niches: fitness · Platforms: Instagram · Followers from: 10000"
    )
    assert saved_search_summary("niches=fitness&country=NL", niche_labels()).startswith("Niches: Fitness · ")


# --- pages ---------------------------------------------------------------------------------------------


def test_save_from_the_discovery_page_and_come_back_to_the_same_search(client, member):
    client.force_login(member.user)
    html = client.get("/influencers/?niches=fitness&platform=instagram").content.decode()
    assert 'id="save-search-form"' in html
    assert 'id="save-search-form"' not in client.get("/influencers/").content.decode()  # nothing to save yet
    response = client.post(
        "/brand/saved-searches/", {"name": "Gym", "query": "platform=instagram&niches=fitness&cursor=abc"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/influencers/?niches=fitness&platform=instagram"
    assert SavedSearch.objects.get(brand=member.brand).query == FITNESS
    page = client.get(response["Location"]).content.decode()
    assert "Search “Gym” saved." in page


def test_a_refused_save_says_why_and_writes_nothing(client, member):
    client.force_login(member.user)
    response = client.post("/brand/saved-searches/", {"name": "Bad", "query": "followers_min=-1"}, follow=True)
    assert "The search was not saved: Followers from: Ensure this value is greater than or equal to 0." in (
        response.content.decode()
    )
    assert not SavedSearch.objects.exists()


def test_the_dashboard_lists_saved_searches_in_a_fixed_number_of_queries(client, member):
    client.force_login(member.user)
    _save(member, name="Gym")

    def dashboard_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/brand/")
        assert response.status_code == 200
        return len(queries)

    one = dashboard_queries()
    for n in range(5):
        _save(member, name=f"Search {n}", query=f"followers_min={n + 1}")
    assert dashboard_queries() == one
    html = client.get("/brand/").content.decode()
    assert 'href="/influencers/?niches=fitness&amp;platform=instagram"' in html
    assert "Niches: Fitness · Platforms: Instagram" in html


def test_toggle_and_delete_from_the_dashboard_and_another_brands_search_is_404(client, member):
    saved = _save(member)
    client.force_login(member.user)
    assert client.post(f"/brand/saved-searches/{saved.pk}/notify/", {}).status_code == 302
    saved.refresh_from_db()
    assert saved.notify is False
    client.post(f"/brand/saved-searches/{saved.pk}/notify/", {"notify": "on"})
    saved.refresh_from_db()
    assert saved.notify is True
    client.force_login(brand_member().user)
    assert client.post(f"/brand/saved-searches/{saved.pk}/delete/").status_code == 404
    client.force_login(member.user)
    assert client.post(f"/brand/saved-searches/{saved.pk}/delete/").status_code == 302
    assert not SavedSearch.objects.exists()


# --- the daily digest ----------------------------------------------------------------------------------


def _approve(handle: str, **kwargs):
    influencer = creator(handle, status=ModerationStatus.PENDING, **kwargs)
    return influencer_moderate(influencer=influencer, decision="approve", reason="", by=StaffFactory())


def test_the_digest_notifies_each_member_once_about_exactly_the_new_matching_creators(
    member, django_capture_on_commit_callbacks
):
    teammate = BrandMemberFactory(brand=member.brand, role="member")
    creator("old.match", niches=("fitness",), moderated_at=timezone.now() - dt.timedelta(days=3))
    saved = _save(member)
    _approve("new.match", niches=("fitness",))
    _approve("new.mismatch", niches=("beauty",))
    _approve("new.tiktok", niches=("fitness",), platform="tiktok")
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = saved_search_digest_task.apply().get()

    assert sent == 2
    notices = Notification.objects.filter(verb="saved_search.new_matches")
    assert sorted(n.user_id for n in notices) == sorted([member.user_id, teammate.user_id])
    assert {n.message for n in notices} == {"1 new creator matches your saved search “Fitness on Instagram”."}
    assert {n.url for n in notices} == {f"/influencers/?{FITNESS}"}
    assert len(mail.outbox) == 2
    saved.refresh_from_db()
    assert saved.last_new_count == 1

    # A second run finds nothing new and sends nothing.
    assert saved_search_digest() == 0
    assert notices.count() == 2
    saved.refresh_from_db()
    assert saved.last_new_count == 0


def test_the_digest_skips_suspended_brands_and_searches_with_notify_off(member):
    quiet = _save(member, name="Quiet")
    saved_search_update(saved_search=quiet, by=member.user, notify=False)
    suspended = brand_member()
    _save(suspended, name="Suspended")
    suspended.brand.status = ModerationStatus.SUSPENDED
    suspended.brand.save()
    _approve("new.match", niches=("fitness",))
    assert saved_search_digest() == 0
    assert not Notification.objects.filter(verb="saved_search.new_matches").exists()


def test_a_creator_approved_during_a_run_is_counted_by_the_next_run(member):
    saved = _save(member)
    run_start = timezone.now()
    _approve("late.match", niches=("fitness",))  # approved after the run started
    assert saved_search_digest(now=run_start) == 0
    saved.refresh_from_db()
    assert saved.checked_until == run_start
    assert saved_search_digest() == 1
