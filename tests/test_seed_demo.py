"""`manage.py seed_demo`: deterministic, idempotent, realistic, and its demo logins work."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Max, Sum
from django.utils import timezone

from brands.models import Brand, BrandMember, Shortlist, ShortlistEntry
from campaigns import demo
from campaigns.models import Campaign, Collaboration, CollaborationMessage, Deliverable
from influencers.models import (
    Audience,
    AudienceCountry,
    AuditEvent,
    EngineRun,
    FollowerSnapshot,
    Influencer,
    Notification,
    Offer,
    Post,
    SocialAccount,
)
from influencers.taxonomy import AD_DISCLOSURE_MARKERS, ModerationStatus, Tier, WorkKind, tier_for_followers
from tests.factories import InfluencerFactory

pytestmark = pytest.mark.django_db

N = demo.MIN_INFLUENCERS  # one layout block: every tier and moderation status, both demo creators
TODAY = dt.date(2026, 3, 2)
User = get_user_model()

# Every table the generator writes, and the columns it does not own: the engines' derived fields
# and flags (the engine may run after seeding) and updated_at bookkeeping.
SEEDED_MODELS = (
    User,
    Influencer,
    Influencer.niches.through,
    SocialAccount,
    Post,
    FollowerSnapshot,
    Audience,
    AudienceCountry,
    Offer,
    AuditEvent,
    Notification,
    Brand,
    Brand.industry_niches.through,
    BrandMember,
    Shortlist,
    ShortlistEntry,
    Campaign,
    Campaign.niches.through,
    Collaboration,
    CollaborationMessage,
    Deliverable,
)
NOT_OURS = {
    "updated_at",
    "last_login",
    "total_followers",
    "engagement_rate",
    "engagement_rate_by_views",
    "er_sample_size",
    "tier",
    "credibility_score",
    "credibility_reasons",
    "follower_growth_30d",
    "metrics_updated_at",
    "metrics_stale_since",
    "delivery_computed_at",
    "posts_changed_at",
    "avg_likes",
    "avg_comments",
    "avg_views",
    "last_post_at",
    "matches_stale_since",
    "matches_computed_at",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(seed: int = 7, influencers: int = N) -> demo.SeedResult:
    return demo.seed_demo(influencers=influencers, seed=seed, today=TODAY)


def content() -> dict[str, list[tuple]]:
    """Every seeded row, column by column, in primary-key order."""
    snapshot = {}
    for model in SEEDED_MODELS:
        columns = [f.attname for f in model._meta.concrete_fields if f.name not in NOT_OURS]
        snapshot[model._meta.label] = list(model.objects.order_by("pk").values_list(*columns))
    return snapshot


def fingerprint() -> dict[str, object]:
    """What a person would recognise as "the same demo": names, numbers, campaigns."""
    return {
        "influencers": sorted(Influencer.objects.values_list("handle", "display_name", "city", "status")),
        "accounts": sorted(SocialAccount.objects.values_list("platform", "handle", "followers")),
        "posts": (Post.objects.count(), Post.objects.aggregate(likes=Sum("likes"), views=Sum("views"))),
        "snapshots": FollowerSnapshot.objects.aggregate(total=Sum("followers")),
        "offers": sorted(Offer.objects.values_list("influencer__handle", "kind", "platform", "price")),
        "campaigns": sorted(Campaign.objects.values_list("brand__slug", "title", "kind", "status", "budget_total")),
        "collaborations": sorted(Collaboration.objects.values_list("campaign__title", "influencer__handle", "status")),
    }


def wipe() -> None:
    """An empty database again (the test transaction keeps the niche taxonomy)."""
    # Ledger entries are append-only: the database refuses DELETE (and PROTECT keeps their collaborations).
    # Only TRUNCATE, which no row trigger sees, empties the table; SQLite refuses updates only.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred foreign-key checks pending on it
            cursor.execute("TRUNCATE campaigns_ledgerentry")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("DELETE FROM campaigns_ledgerentry")
    for model in (Deliverable, Post, FollowerSnapshot, Brand, Influencer, AuditEvent, EngineRun):
        model.objects.all().delete()
    User.objects.all().delete()


def test_running_twice_adds_and_changes_nothing() -> None:
    out = StringIO()
    call_command("seed_demo", influencers=N, seed=7, verbosity=0, stdout=out)
    first = content()
    assert f"Seeded demo data (seed 7, {N} influencers" in out.getvalue()

    out = StringIO()
    call_command("seed_demo", influencers=N, seed=7, verbosity=0, stdout=out)

    assert "nothing to add" in out.getvalue()
    assert content() == first
    assert EngineRun.objects.filter(kind=EngineRun.Kind.IMPORT, scope=demo.DEMO_SCOPE).count() == 1


def test_the_same_seed_gives_the_same_data_and_another_seed_different_data() -> None:
    seed(7)
    first = fingerprint()
    assert len(first["influencers"]) == N
    wipe()
    seed(7)
    assert fingerprint() == first
    wipe()
    seed(8)
    other = fingerprint()
    assert {h for h, *_ in other["influencers"]} != {h for h, *_ in first["influencers"]}
    assert other["accounts"] != first["accounts"]


def test_a_larger_run_keeps_the_first_influencers_as_they_were() -> None:
    seed(7, influencers=N)
    accounts = fingerprint()["accounts"]
    result = seed(7, influencers=N + 5)
    assert result.written["influencers"] == 5
    assert set(accounts) <= set(fingerprint()["accounts"])


def test_demo_today_is_stored_so_a_later_run_uses_the_same_dates() -> None:
    seed(7)
    later = demo.seed_demo(influencers=N, seed=7, today=TODAY + dt.timedelta(days=40))
    assert later.today == TODAY
    assert FollowerSnapshot.objects.aggregate(last=Max("date"))["last"] == TODAY


def test_a_seed_before_the_demo_s_morning_flags_nothing_in_the_future() -> None:
    # The demo's "now" is 09:00 local time on its day; seeded before then (here: a day ahead), the stale
    # flags and account changes must still not lie in the future, or the engine never clears them and
    # every creator's dashboard says "recomputing" for hours.
    demo.seed_demo(influencers=N, seed=7, today=timezone.localdate() + dt.timedelta(days=1))
    now = timezone.now()
    assert not Influencer.objects.filter(metrics_stale_since__gt=now).exists()
    assert not SocialAccount.objects.filter(posts_changed_at__gt=now).exists()


def test_every_tier_kind_and_status_occurs() -> None:
    seed()
    largest = Influencer.objects.annotate(largest=Max("accounts__followers")).values_list("largest", flat=True)
    assert {tier_for_followers(n) for n in largest} == set(Tier.values)
    assert set(Influencer.objects.values_list("status", flat=True)) == set(ModerationStatus.values)
    assert set(Campaign.objects.values_list("kind", flat=True)) == set(WorkKind.values)
    assert set(Campaign.objects.values_list("status", flat=True)) == set(Campaign.Status.values)
    assert set(Campaign.objects.values_list("visibility", flat=True)) == set(Campaign.Visibility.values)
    assert set(Offer.objects.values_list("kind", flat=True)) == set(WorkKind.values)
    assert set(Brand.objects.values_list("status", flat=True)) >= {ModerationStatus.APPROVED, ModerationStatus.PENDING}
    assert set(Collaboration.objects.values_list("status", flat=True)) >= {
        "invited", "applied", "accepted", "declined", "content_submitted", "approved", "completed", "cancelled",
    }  # fmt: skip
    assert Shortlist.objects.exists()
    assert ShortlistEntry.objects.exists()
    assert CollaborationMessage.objects.exists()
    assert Deliverable.objects.filter(post__isnull=False).exists()


def test_rows_are_valid_as_forms_and_constraints_see_them() -> None:
    seed()
    for model in (Audience, Campaign, Offer, SocialAccount, Influencer, Brand):
        for row in model.objects.all():
            row.full_clean()
    for audience in Audience.objects.prefetch_related("countries"):
        shares = [c.share for c in audience.countries.all()]
        assert 2 <= len(shares) <= 5
        assert sum(shares) <= 1
    assert Post.objects.filter(likes__isnull=True).exists(), "some like counts are hidden (NULL, never 0)"
    assert not Post.objects.filter(likes__lt=0).exists()


def test_posts_say_they_are_ads_exactly_when_the_caption_discloses_it() -> None:
    seed()
    captions = Post.objects.values_list("caption", "is_sponsored", "has_ad_disclosure")
    for caption, sponsored, disclosed in captions:
        assert disclosed == any(marker in caption.lower() for marker in AD_DISCLOSURE_MARKERS), caption
        assert sponsored or not disclosed
    assert any(sponsored and not disclosed for _, sponsored, disclosed in captions)
    assert any(disclosed for *_, disclosed in captions)


def test_followers_have_a_daily_history_ending_at_today_with_some_spikes() -> None:
    seed()
    account = SocialAccount.objects.order_by("pk").first()
    history = list(account.snapshots.order_by("date").values_list("date", "followers"))
    assert len(history) == demo.HISTORY_DAYS
    assert history[-1] == (TODAY, account.followers)
    spikes = 0  # a day-over-day jump of 10 %: daily growth and noise stay well below 1 %
    for account_id in SocialAccount.objects.values_list("pk", flat=True):
        values = (
            FollowerSnapshot.objects.filter(account_id=account_id).order_by("date").values_list("followers", flat=True)
        )
        spikes += any(b > a * 1.10 for a, b in pairwise(values))
    assert spikes >= 1


def test_collaborations_only_took_legal_steps() -> None:
    seed()
    for collaboration in Collaboration.objects.all():
        steps = AuditEvent.objects.filter(
            action__startswith="collaboration.", object_id=str(collaboration.pk)
        ).order_by("created_at", "pk")
        path = [event.action.removeprefix("collaboration.") for event in steps]
        assert path[0] in ("invited", "applied")
        assert path[-1] == collaboration.status
        for current, target in pairwise(path):
            assert Collaboration.allowed_parties(current, target), (current, target)


def test_demo_logins_work(client) -> None:
    seed()
    for login in demo.DEMO_LOGINS:
        assert client.login(username=login.username, password=login.password), login.username
        client.logout()

    assert User.objects.get(username="admin").is_superuser
    membership = BrandMember.objects.select_related("brand").get(user__username="brand")
    assert membership.role == BrandMember.Role.OWNER
    assert membership.brand.status == ModerationStatus.APPROVED
    assert membership.brand.campaigns.open().exists()
    creator = Influencer.objects.get(user__username="creator")
    assert creator.status == ModerationStatus.APPROVED
    assert creator.accounts.exists()
    assert creator.offers.exists()
    assert creator.collaborations.filter(status=Collaboration.Status.INVITED).exists()
    assert Influencer.objects.get(user__username="newcreator").status == ModerationStatus.PENDING


def test_print_logins_resets_passwords_and_seeds_nothing(client) -> None:
    demo.demo_logins_ensure()
    admin = User.objects.get(username="admin")
    admin.set_password("someone-changed-it")
    admin.save()
    out = StringIO()

    call_command("seed_demo", print_logins=True, stdout=out)

    assert "invloed-admin" in out.getvalue()
    assert client.login(username="admin", password="invloed-admin")
    assert not Influencer.objects.exists()


def test_if_empty_leaves_a_database_with_influencers_alone() -> None:
    InfluencerFactory()
    out = StringIO()

    call_command("seed_demo", if_empty=True, influencers=N, stdout=out)

    assert "already exist" in out.getvalue()
    assert Influencer.objects.count() == 1
    assert not Brand.objects.exists()


def test_if_empty_seeds_an_empty_database() -> None:
    call_command("seed_demo", if_empty=True, influencers=N, verbosity=0, stdout=StringIO())
    assert Influencer.objects.count() == N


def test_too_few_influencers_is_refused() -> None:
    with pytest.raises(CommandError, match="at least 20"):
        call_command("seed_demo", influencers=5, stdout=StringIO())


@pytest.mark.postgres
def test_a_large_load_checks_the_bulk_foreign_keys_once_and_keeps_them(monkeypatch) -> None:
    from django.db import connection

    def foreign_keys() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid IN (%s::regclass, %s::regclass) ORDER BY 1, 2",
                [Post._meta.db_table, FollowerSnapshot._meta.db_table],
            )
            return cursor.fetchall()

    before = foreign_keys()
    monkeypatch.setattr(demo, "LARGE_LOAD", 10)  # take the large-load path with a small demo

    seed()

    assert foreign_keys() == before
    assert len(before) == 2
    assert Post.objects.count() > 0
    assert FollowerSnapshot.objects.filter(account__influencer__handle="sanne.bakker").count() == 2 * demo.HISTORY_DAYS


def test_demo_creators_have_planted_follower_samples_and_a_shortlist_shows_its_reach(client) -> None:
    from influencers.models import FollowerSketch
    from influencers.overlap_selectors import audience_overlap

    result = seed()
    assert result.written["follower samples"] == FollowerSketch.objects.count() > 0
    sampled = FollowerSketch.objects.order_by("pk").values_list("account__influencer_id", flat=True)
    entries = ShortlistEntry.objects.filter(influencer_id__in=list(sampled)).select_related("shortlist")
    shortlist = next(e.shortlist for e in entries if e.shortlist.entries.filter(influencer_id__in=sampled).count() > 1)
    creators = [e.influencer for e in shortlist.entries.filter(influencer_id__in=sampled)]
    report = audience_overlap(influencers=creators)
    assert report.reach is not None
    assert report.reach.value <= report.followers_total + report.reach.bound
    owner = BrandMember.objects.filter(brand=shortlist.brand).first().user
    client.force_login(owner)
    html = client.get(f"/brand/shortlists/{shortlist.pk}/").content.decode()
    assert "unique followers" in html
    assert seed().written.get("follower samples") is None  # the second run writes none
