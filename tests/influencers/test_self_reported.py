"""Creators bring their own numbers (issue 17): self-reported posts and followers for one account,
validated like the staff import, all or nothing, marked self-reported until a verified import replaces them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from influencers.importers import ImportFailed, metrics_import
from influencers.importers.self_reported import ReportedPost, account_metrics_self_report
from influencers.kernel.errors import Conflict, NotAllowed
from influencers.metrics import credibility as cred
from influencers.models import AuditEvent, Influencer, MetricsSource, Post, SocialAccount
from influencers.taxonomy import ModerationStatus
from tests.factories import (
    BrandMemberFactory,
    InfluencerFactory,
    PostFactory,
    SocialAccountFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(days_ago: int) -> dt.date:
    return TODAY - dt.timedelta(days=days_ago + 1)


# The insights export: post columns of the staff import, platform and account left out.
EXPORT_CSV = f"""external_id,posted_at,likes,comments,views
a1,{day(1)}T10:00:00Z,300,20,
a2,{day(3)}T10:00:00Z,260,25,
a3,{day(5)}T10:00:00Z,,30,
a4,{day(7)}T10:00:00Z,340,40,
"""


@pytest.fixture
def creator() -> Influencer:
    return InfluencerFactory(handle="mila", status=ModerationStatus.PENDING)


@pytest.fixture
def account(creator: Influencer) -> SocialAccount:
    return SocialAccountFactory(influencer=creator, platform="instagram", handle="mila.ig", followers=0)


def report_csv(account: SocialAccount, text: str, followers: object = 8000, by=None):
    return account_metrics_self_report(
        account=account,
        by=by or account.influencer.user,
        followers=followers,
        csv_file=io.BytesIO(text.encode()),
    )


def rejected(account: SocialAccount, text: str, followers: object = 8000) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        report_csv(account, text, followers)
    return [str(error) for error in failed.value.errors]


def assert_nothing_written(account: SocialAccount) -> None:
    account.refresh_from_db()
    assert not Post.objects.filter(account=account).exists()
    assert (account.metrics_source, account.followers) == (MetricsSource.IMPORT, 0)
    assert not AuditEvent.objects.filter(action="social_account.metrics_self_reported").exists()


def test_a_csv_export_writes_posts_marks_the_account_and_recomputes(
    account: SocialAccount, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = report_csv(account, EXPORT_CSV)
    assert (result.posts, result.written) == (4, 4)
    account.refresh_from_db()
    assert (account.metrics_source, account.followers, account.is_self_reported) == ("self_reported", 8000, True)
    a1 = Post.objects.get(account=account, external_id="self:a1")
    assert (a1.likes, a1.comments, a1.views) == (300, 20, None)
    assert Post.objects.get(account=account, external_id="self:a3").likes is None  # hidden, not 0
    influencer = account.influencer
    influencer.refresh_from_db()
    # (320 + 285 + 380) / 3 posts with visible counts / 8,000 followers.
    assert influencer.engagement_rate == pytest.approx(985 / 3 / 8000)
    assert (influencer.total_followers, influencer.er_sample_size, influencer.tier) == (8000, 3, "micro")
    assert influencer.credibility_score == cred.SELF_REPORTED_MAX_SCORE
    assert [r["code"] for r in influencer.credibility_reasons] == ["self_reported"]
    assert "mila.ig" in influencer.credibility_reasons[0]["message"]
    event = AuditEvent.objects.get(action="social_account.metrics_self_reported")
    assert event.data == {"posts": 4, "written": 4, "followers": 8000}


def test_posts_typed_in_by_hand(account: SocialAccount, django_capture_on_commit_callbacks) -> None:
    posts = [
        ReportedPost(day(1), 100, 10, 2000),
        ReportedPost(day(1), 120, 8, None),
        ReportedPost(day(4), 90, 12, 1500),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        account_metrics_self_report(account=account, by=account.influencer.user, followers="5000", posts=posts)
    stored = Post.objects.filter(account=account).order_by("external_id")
    assert [(p.external_id, p.likes, p.views) for p in stored] == [
        (f"self:manual-{day(4)}-1", 90, 1500),
        (f"self:manual-{day(1)}-1", 100, 2000),
        (f"self:manual-{day(1)}-2", 120, None),
    ]
    account.influencer.refresh_from_db()
    assert account.influencer.engagement_rate == pytest.approx((110 + 128 + 102) / 3 / 5000)
    # The same posts again: same rows, nothing doubled.
    account_metrics_self_report(account=account, by=account.influencer.user, followers=5000, posts=posts)
    assert Post.objects.filter(account=account).count() == 3


@pytest.mark.parametrize(
    ("text", "followers", "expected"),
    [
        (EXPORT_CSV.replace("a2,", "a2x,").replace(",260,", ",-5,"), 8000, "Row 3: likes must be between 0"),
        (EXPORT_CSV.replace("a4,", ","), 8000, "Row 5: external_id must be the platform's id"),
        (EXPORT_CSV.replace(f"{day(7)}T10", "2999-01-01T10"), 8000, "Row 5: posted_at is in the future"),
        (EXPORT_CSV, "", "Followers: is required"),
        (EXPORT_CSV, "lots", "Followers: must be a whole number"),
        ("external_id,posted_at,likes,colour\n", 8000, "Row 1: unknown column(s) colour"),
        (
            "platform,account,date,followers\ninstagram,mila.ig,2025-01-01,10\n",
            8000,
            "Row 1: This file holds snapshots",
        ),
        ("", 8000, "The file is empty."),
        ("external_id,posted_at,likes\n", 8000, "The file holds no records"),
        (
            EXPORT_CSV.replace("external_id,", "account,external_id,").replace("\na3,", "\nsomeone.else,a3,"),
            8000,
            "Row 4: account is “someone.else”, but you are reporting the numbers of Instagram @mila.ig",
        ),
        (
            "platform,external_id,posted_at,likes\ntiktok,b1,2025-01-01T00:00:00Z,5\n",
            8000,
            "Row 2: platform is “tiktok”",
        ),
        (EXPORT_CSV + f"a1,{day(2)}T10:00:00Z,1,1,\n", 8000, "Row 6: describes the same record as row 2"),
        (EXPORT_CSV.replace("a1,", "a" * 97 + ","), 8000, "Row 2: external_id must be at most 95 characters"),
    ],
)
def test_every_bad_input_names_the_problem_and_writes_nothing(
    account: SocialAccount, text: str, followers: object, expected: str
) -> None:
    errors = rejected(account, text, followers)
    assert any(error.startswith(expected) for error in errors), errors
    assert_nothing_written(account)


def test_a_bad_follower_count_and_a_bad_row_are_both_reported(account: SocialAccount) -> None:
    errors = rejected(account, EXPORT_CSV.replace(",340,", ",x,"), followers="-1")
    assert errors[0].startswith("Followers: must be between 0")
    assert errors[1].startswith("Row 5: likes must be a whole number")
    assert_nothing_written(account)


def test_typed_in_posts_are_numbered_as_on_the_page(account: SocialAccount) -> None:
    posts = [ReportedPost(day(1), 100, 10, None), ReportedPost(TODAY + dt.timedelta(days=3), 100, 10, None)]
    with pytest.raises(ImportFailed) as failed:
        account_metrics_self_report(account=account, by=account.influencer.user, followers=100, posts=posts)
    assert [str(e) for e in failed.value.errors] == [
        f"Post 2: posted_at is in the future (got “{TODAY + dt.timedelta(days=3)}T00:00:00+00:00”)"
    ]
    with pytest.raises(ImportFailed, match="Enter at least one post"):
        account_metrics_self_report(account=account, by=account.influencer.user, followers=100, posts=[])
    assert_nothing_written(account)


def test_only_the_owner_may_report(account: SocialAccount) -> None:
    with pytest.raises(NotAllowed, match="not your account"):
        report_csv(account, EXPORT_CSV, by=UserFactory())
    assert_nothing_written(account)


@pytest.mark.parametrize("status", [ModerationStatus.SUSPENDED, ModerationStatus.REJECTED])
def test_a_creator_stopped_by_moderation_cannot_report(account: SocialAccount, status: str) -> None:
    Influencer.objects.filter(pk=account.influencer_id).update(status=status)
    account.influencer.refresh_from_db()
    with pytest.raises(NotAllowed, match=f"Your profile is {status} by moderation"):
        report_csv(account, EXPORT_CSV)
    assert_nothing_written(account)


def test_refused_when_verified_numbers_exist(account: SocialAccount) -> None:
    PostFactory(account=account, external_id="verified-1")
    with pytest.raises(Conflict, match="already has verified numbers"):
        report_csv(account, EXPORT_CSV)
    account.refresh_from_db()
    assert account.metrics_source == MetricsSource.IMPORT
    assert list(Post.objects.filter(account=account).values_list("external_id", flat=True)) == ["verified-1"]


def test_a_verified_import_replaces_the_numbers_and_removes_the_mark(
    account: SocialAccount, django_capture_on_commit_callbacks
) -> None:
    report_csv(account, EXPORT_CSV)
    other = SocialAccountFactory(influencer=account.influencer, platform="tiktok", handle="mila.tt", followers=0)
    account_metrics_self_report(
        account=other, by=account.influencer.user, followers=100, posts=[ReportedPost(day(1), 5, 1, 50)]
    )
    # The staff file holds the same first post (as the platform numbers it) and two others.
    staff = f"""platform,account,external_id,posted_at,likes,comments
instagram,mila.ig,a1,{day(1)}T10:00:00Z,300,20
instagram,mila.ig,v2,{day(2)}T10:00:00Z,200,10
instagram,mila.ig,v3,{day(3)}T10:00:00Z,100,10
"""
    with django_capture_on_commit_callbacks(execute=True):
        metrics_import(source=io.BytesIO(staff.encode()), fmt="csv", filename="staff.csv")
    account.refresh_from_db()
    assert account.metrics_source == MetricsSource.IMPORT
    assert sorted(Post.objects.filter(account=account).values_list("external_id", flat=True)) == ["a1", "v2", "v3"]
    # The account the staff file did not touch keeps its self-reported numbers and mark.
    other.refresh_from_db()
    assert other.metrics_source == MetricsSource.SELF_REPORTED
    assert Post.objects.filter(account=other).count() == 1
    influencer = account.influencer
    influencer.refresh_from_db()
    assert influencer.engagement_rate == pytest.approx((320 + 210 + 110) / 3 / 8000)
    # A self-reported upload is now refused for the verified account.
    with pytest.raises(Conflict):
        report_csv(account, EXPORT_CSV)


def test_credibility_cap_only_lowers_a_score() -> None:
    def signals(self_reported: bool, er: float | None = 0.03) -> cred.AccountSignals:
        return cred.AccountSignals(1, "instagram", "x", 10_000, er, self_reported=self_reported)

    assert cred.credibility([signals(False)]) == (100, [])
    score, reasons = cred.credibility([signals(True)])
    assert (score, reasons[0]["code"], reasons[0]["impact"]) == (86, "self_reported", -14)
    # Already below the cap: the reason is listed, the score is not raised.
    low, reasons = cred.credibility([signals(True, er=0.001)])
    assert low is not None
    assert low < cred.SELF_REPORTED_MAX_SCORE
    assert "self_reported" in [r["code"] for r in reasons]
    assert [r["impact"] for r in reasons if r["code"] == "self_reported"] == [0]
    # Unknown ER: nothing to cap.
    assert cred.credibility([signals(True, er=None)])[0] is None


# --- the page and the API ------------------------------------------------------------------------


def page(account: SocialAccount) -> str:
    return reverse("me:account_metrics", args=[account.pk])


def test_the_page_saves_an_upload_and_the_dashboard_marks_the_numbers(
    client, account: SocialAccount, django_capture_on_commit_callbacks
) -> None:
    client.force_login(account.influencer.user)
    assert "data-self-reported" not in client.get(reverse("me:dashboard")).content.decode()
    upload = SimpleUploadedFile("insights.csv", EXPORT_CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(account), {"way": "csv", "csv-followers": "8000", "csv-export": upload})
    assert response.status_code == 302
    assert response.url == reverse("me:dashboard")
    dashboard = client.get(reverse("me:dashboard")).content.decode()
    assert "4 posts of Instagram @mila.ig saved as self-reported" in dashboard
    assert dashboard.count("data-self-reported") == 2  # beside "Your numbers" and the account's row
    assert "8,000" in dashboard


def test_the_page_saves_posts_typed_in(client, account: SocialAccount) -> None:
    client.force_login(account.influencer.user)
    data = {
        "way": "posts",
        "manual-followers": "4000",
        "post-TOTAL_FORMS": "3",
        "post-INITIAL_FORMS": "0",
        "post-0-posted_on": day(1).isoformat(),
        "post-0-likes": "100",
        "post-0-comments": "5",
        "post-1-posted_on": day(2).isoformat(),
        "post-1-likes": "80",
        "post-1-views": "900",
    }
    assert client.post(page(account), data).status_code == 302
    assert Post.objects.filter(account=account).count() == 2
    # A problem is named by the row on the page, also after a row left empty.
    data |= {"post-0-posted_on": "", "post-0-likes": "", "post-0-comments": "", "post-2-posted_on": "2999-01-01"}
    response = client.post(page(account), data)
    assert "Post 3: posted_at is in the future" in response.content.decode()
    account.refresh_from_db()
    assert (account.followers, account.metrics_source) == (4000, "self_reported")


def test_the_page_shows_every_problem_and_saves_nothing(client, account: SocialAccount) -> None:
    client.force_login(account.influencer.user)
    bad = EXPORT_CSV.replace(",260,", ",many,")
    upload = SimpleUploadedFile("insights.csv", bad.encode(), content_type="text/csv")
    response = client.post(page(account), {"way": "csv", "csv-followers": "8000", "csv-export": upload})
    assert response.status_code == 200
    assert "Row 3: likes must be a whole number" in response.content.decode()
    assert_nothing_written(account)


def test_somebody_elses_account_is_404(client, account: SocialAccount) -> None:
    client.force_login(InfluencerFactory().user)
    assert client.get(page(account)).status_code == 404
    upload = SimpleUploadedFile("insights.csv", EXPORT_CSV.encode(), content_type="text/csv")
    response = client.post(page(account), {"way": "csv", "csv-followers": "8000", "csv-export": upload})
    assert response.status_code == 404
    assert_nothing_written(account)


def test_the_page_refuses_when_verified_numbers_exist_or_the_creator_is_suspended(
    client, account: SocialAccount
) -> None:
    client.force_login(account.influencer.user)
    PostFactory(account=account, external_id="verified-1")
    response = client.get(page(account)).content.decode()
    assert "already has verified numbers from an import" in response
    assert 'name="way"' not in response
    Influencer.objects.filter(pk=account.influencer_id).update(status=ModerationStatus.SUSPENDED)
    assert "Your profile is suspended by moderation" in client.get(page(account)).content.decode()


def test_report_numbers_is_offered_only_where_it_can_succeed(client, account: SocialAccount) -> None:
    imported = SocialAccountFactory(influencer=account.influencer, platform="tiktok", handle="mila.tt")
    PostFactory(account=imported, external_id="verified-1")
    client.force_login(account.influencer.user)
    for url in (reverse("me:accounts"), reverse("me:dashboard")):
        html = client.get(url).content.decode()
        assert page(account) in html, url
        assert page(imported) not in html, url
        assert html.count("Verified import") == 1, url
    # A self-reported account keeps the link (a new report replaces the last one).
    report_csv(account, EXPORT_CSV)
    assert page(account) in client.get(reverse("me:accounts")).content.decode()


def test_the_page_runs_a_fixed_number_of_queries(client, account: SocialAccount, django_assert_num_queries) -> None:
    client.force_login(account.influencer.user)
    client.get(page(account))
    # session, user, actor (creator + membership), the account with its influencer, verified numbers
    # (one EXISTS over posts and snapshots), the header's roles.
    with django_assert_num_queries(6):
        assert client.get(page(account)).status_code == 200


def test_the_api_and_the_profile_say_self_reported(client, account: SocialAccount) -> None:
    Influencer.objects.filter(pk=account.influencer_id).update(status=ModerationStatus.APPROVED)
    report_csv(account, EXPORT_CSV)
    client.force_login(account.influencer.user)
    mine = client.get(f"/api/v1/me/accounts/{account.pk}/").json()
    assert mine["metrics_source"] == "self_reported"
    client.force_login(BrandMemberFactory().user)  # brands see creators' profiles
    public = client.get(f"/api/v1/influencers/{account.influencer.handle}/").json()
    assert [a["metrics_source"] for a in public["accounts"]] == ["self_reported"]
    profile = client.get(reverse("influencers:profile", args=[account.influencer.handle])).content.decode()
    assert "data-self-reported" in profile


def test_the_account_form_and_the_admin_know_the_source(client, account: SocialAccount) -> None:
    report_csv(account, EXPORT_CSV)
    client.force_login(account.influencer.user)
    form = client.get(reverse("me:account_edit", args=[account.pk])).content.decode()
    assert "Self-reported with your numbers: change it on the Report numbers page." in form
    client.force_login(StaffFactory())
    SocialAccountFactory(handle="verified.one")
    listing = client.get("/admin/influencers/socialaccount/?metrics_source__exact=self_reported").content.decode()
    assert "mila.ig" in listing
    assert "verified.one" not in listing
