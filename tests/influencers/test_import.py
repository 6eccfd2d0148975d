"""Metric import: row-numbered errors that write nothing, idempotent upserts, recompute on commit."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from influencers.importers import ImportFailed, metrics_import
from influencers.importers.writers import BatchWriter, CopyWriter, writer_for_connection
from influencers.models import Audience, EngineRun, FollowerSnapshot, Influencer, Post, SocialAccount
from tests.factories import InfluencerFactory, PostFactory, SocialAccountFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

RECENT = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)


def when(days: int) -> str:
    return (RECENT - dt.timedelta(days=days)).isoformat()


POSTS_CSV = f"""platform,account,external_id,posted_at,format,likes,comments,shares,views,is_sponsored,has_ad_disclosure
instagram,@anna.ig,p1,{when(0)},reel,500,20,,9000,true,true
instagram,anna.ig,p2,{when(1)},image,450,30,,,no,
instagram,anna.ig,p3,{when(2)},image,,25,,,,
instagram,anna.ig,p4,{when(3)},carousel,520,40,3,,,
"""


@pytest.fixture
def anna() -> Influencer:
    influencer = InfluencerFactory(handle="anna", user=None)
    SocialAccountFactory(influencer=influencer, platform="instagram", handle="anna.ig", followers=10_000)
    return influencer


def run_import(text: str, fmt: str = "csv", **kwargs) -> object:
    return metrics_import(source=io.BytesIO(text.encode()), fmt=fmt, filename=f"test.{fmt}", **kwargs)


def rejected(text: str, fmt: str = "csv", **kwargs) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        run_import(text, fmt, **kwargs)
    return [str(error) for error in failed.value.errors]


def test_posts_import_upserts_and_recomputes_on_commit(anna: Influencer, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(POSTS_CSV)
    assert (result.rows, result.written) == ({"posts": 4}, {"posts": 4})
    p1 = Post.objects.get(external_id="p1")
    assert (p1.likes, p1.comments, p1.shares, p1.views, p1.format) == (500, 20, None, 9000, "reel")
    assert (p1.is_sponsored, p1.has_ad_disclosure, p1.posted_at) == (True, True, RECENT)
    assert Post.objects.get(external_id="p3").likes is None  # hidden, not 0
    run = result.run
    run.refresh_from_db()
    assert (run.kind, run.status, run.rows_touched, run.triggered_by) == ("import", "succeeded", 4, None)
    assert run.detail["written"] == {"posts": 4}
    account = SocialAccount.objects.get(handle="anna.ig")
    assert account.posts_changed_at is not None
    # The incremental recompute ran on commit: (520 + 480 + 560) / 3 posts with visible counts / 10,000.
    anna.refresh_from_db()
    assert anna.engagement_rate == pytest.approx(1560 / 3 / 10_000)
    assert anna.er_sample_size == 3
    assert anna.metrics_stale_since is None


def test_importing_the_same_file_again_changes_nothing(anna: Influencer, django_capture_on_commit_callbacks) -> None:
    run_import(POSTS_CSV)
    posts = list(Post.objects.order_by("pk").values())
    changed_at = SocialAccount.objects.get(handle="anna.ig").posts_changed_at
    runs = EngineRun.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = run_import(POSTS_CSV)
    assert (result.rows, result.written, result.unchanged) == ({"posts": 4}, {"posts": 0}, {"posts": 4})
    assert list(Post.objects.order_by("pk").values()) == posts
    assert SocialAccount.objects.get(handle="anna.ig").posts_changed_at == changed_at
    assert EngineRun.objects.count() == runs + 1  # the import run itself, no recompute queued
    assert callbacks == []


def test_a_changed_row_is_the_only_one_written(anna: Influencer) -> None:
    run_import(POSTS_CSV)
    result = run_import(POSTS_CSV.replace("450,30", "470,30"))
    assert result.written == {"posts": 1}
    assert Post.objects.get(external_id="p2").likes == 470


def test_bad_rows_are_reported_by_row_number_and_nothing_is_written(anna: Influencer) -> None:
    text = f"""platform,account,external_id,posted_at,likes,comments
instagram,anna.ig,ok1,{when(0)},10,1
myspace,anna.ig,x2,{when(0)},10,1
instagram,anna.ig,x3,yesterday,-3,1.5
instagram,anna.ig,x4,{(timezone.now() + dt.timedelta(days=3)).isoformat()},10,
instagram,nobody,x5,{when(0)},10,1
instagram,anna.ig,ok1,{when(1)},11,1
"""
    errors = rejected(text)
    assert errors == [
        "Row 3: platform must be one of instagram, tiktok, youtube, x, twitch, blog, podcast (got “myspace”)",
        "Row 4: posted_at must be a date and time like 2025-03-01T14:30:00Z (got “yesterday”)",
        "Row 4: likes must be between 0 and 1,000,000,000,000 (got “-3”)",
        "Row 4: comments must be a whole number of 0 or more, or empty when the platform hides it (got “1.5”)",
        f"Row 5: posted_at is in the future (got “{text.splitlines()[4].split(',')[3]}”)",
        "Row 6: there is no instagram account @nobody on Invloed; add it to the influencer's profile first",
        "Row 7: describes the same record as row 2; keep one of them",
    ]
    assert not Post.objects.exists()
    run = EngineRun.objects.get(kind=EngineRun.Kind.IMPORT)
    assert run.status == EngineRun.Status.FAILED
    assert run.detail["errors"] == errors
    assert "nothing was written" in run.error


def test_unknown_columns_and_unreadable_files_are_explained(anna: Influencer) -> None:
    assert rejected("platform,account,external_id,posted_at,likez\ninstagram,anna.ig,a,2025-01-01T00:00:00Z,1\n") == [
        "Row 1: unknown column(s) likez; the columns are platform, account, external_id, posted_at, format, "
        "caption, url, likes, comments, shares, views, saves, is_sponsored, has_ad_disclosure"
    ]
    assert rejected("") == ["The file is empty."]
    assert rejected("name,age\nanna,3\n")[0].startswith("Row 1: Cannot tell what the file holds")
    assert rejected("platform,account,external_id\ninstagram,anna.ig,p1,extra\n") == [
        "Row 2: has 4 cells but the header has 3 columns"
    ]
    assert rejected("{not json", fmt="json")[0].startswith("This is not valid JSON")
    assert rejected('{"posts": [{"platform": "instagram", "likes": NaN}]}', fmt="json")[0].startswith(
        "This is not valid JSON: NaN is not a number"
    )
    with pytest.raises(ImportFailed, match="The file is not UTF-8 text: save it as UTF-8"):
        metrics_import(source=io.BytesIO(b"\xff\xfe,x\n"), fmt="csv")
    assert not Post.objects.exists()


def test_errors_stop_at_a_hundred(anna: Influencer) -> None:
    rows = "".join(f"instagram,anna.ig,p{n},{when(0)},bad\n" for n in range(150))
    with pytest.raises(ImportFailed) as failed:
        run_import("platform,account,external_id,posted_at,likes\n" + rows)
    assert len(failed.value.errors) == 100
    assert failed.value.truncated
    assert failed.value.message.endswith("… and more: fix these first, then import again.")


def test_snapshots_set_current_followers_and_can_change_the_tier(
    anna: Influencer, django_capture_on_commit_callbacks
) -> None:
    today = timezone.localdate()
    text = "platform,account,date,followers\n" + "".join(
        f"instagram,anna.ig,{today - dt.timedelta(days=d)},{150_000 - d * 1000}\n" for d in (31, 30, 1, 0)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(text)
    assert result.written == {"snapshots": 4}
    account = SocialAccount.objects.get(handle="anna.ig")
    assert account.followers == 150_000
    anna.refresh_from_db()
    assert anna.tier == "macro"
    assert anna.follower_growth_30d == pytest.approx((150_000 - 120_000) / 120_000)
    again = run_import(text)
    assert again.written == {"snapshots": 0}
    assert FollowerSnapshot.objects.count() == 4


def test_audience_json_with_countries_and_languages(anna: Influencer, django_capture_on_commit_callbacks) -> None:
    audience = {
        "influencer": "anna",
        "as_of": str(timezone.localdate()),
        "age_18_24": 0.5,
        "age_25_34": 0.5,
        "gender_female": 0.7,
        "gender_male": 0.3,
        "countries": {"NL": 0.8, "BE": 0.2},
        "languages": {"nl": 1.0},
    }
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(json.dumps({"audience": [audience]}), fmt="json")
    assert result.written == {"audience": 1}
    stored = Audience.objects.get(influencer=anna)
    assert (stored.age_18_24, stored.gender_female, stored.source) == (0.5, 0.7, "import")
    assert dict(stored.countries.values_list("country", "share")) == {"NL": 0.8, "BE": 0.2}
    assert stored.language_shares == {"nl": 1.0}
    anna.refresh_from_db()
    assert anna.metrics_updated_at is not None  # the change queued a recompute (and a match refresh)
    assert run_import(json.dumps({"audience": [audience]}), fmt="json").written == {"audience": 0}
    changed = audience | {"countries": {"NL": 0.7, "BE": 0.3}}
    assert run_import(json.dumps({"audience": [changed]}), fmt="json").written == {"audience": 1}
    assert dict(stored.countries.values_list("country", "share")) == {"NL": 0.7, "BE": 0.3}


def test_audience_rows_are_checked_with_the_model_rules(anna: Influencer) -> None:
    base = "influencer,as_of,age_18_24,age_25_34,gender_female,gender_male,countries,languages\n"
    errors = rejected(
        base
        + f"anna,{timezone.localdate()},0.5,0.2,0.7,0.3,NL:0.8;BE:0.2,nl:1\n"
        + f"nobody,{timezone.localdate()},0.5,0.5,0.7,0.3,,\n"
        + f"anna,{timezone.localdate()},0.5,0.5,1.7,0.3,XX:0.5,\n",
        kind="audience",
    )
    assert errors == [  # in file order, whichever check found them
        "Row 2: Age shares add up to 70 %; they must add up to 100 %.",
        "Row 3: there is no influencer @nobody on Invloed",
        "Row 4: gender_female must be a fraction between 0 and 1 (0.35 for 35 %) (got “1.7”)",
        "Row 4: countries has an unknown code “XX”",
    ]
    assert not Audience.objects.exists()


def test_one_json_document_can_carry_every_kind(anna: Influencer) -> None:
    document = {
        "posts": [
            {"platform": "instagram", "account": "anna.ig", "external_id": "j1", "posted_at": when(0), "likes": 5}
        ],
        "snapshots": [
            {"platform": "instagram", "account": "anna.ig", "date": str(timezone.localdate()), "followers": 12}
        ],
    }
    result = run_import(json.dumps(document), fmt="json")
    assert result.written == {"posts": 1, "snapshots": 1}
    assert Post.objects.get(external_id="j1").comments is None


def test_json_lines_stream_records_of_any_kind(anna: Influencer) -> None:
    lines = [
        {"kind": "post", "platform": "instagram", "account": "anna.ig", "external_id": "l1", "posted_at": when(0)},
        {
            "kind": "snapshot",
            "platform": "instagram",
            "account": "anna.ig",
            "date": str(timezone.localdate()),
            "followers": 9,
        },
        {"kind": "story", "platform": "instagram"},
    ]
    errors = rejected("\n".join(json.dumps(line) for line in lines) + "\n[1]\n", fmt="jsonl")
    assert errors == ['Line 3: needs a "kind": post, snapshot, audience or follower_sample', "Line 4: is not an object"]
    result = run_import("\n".join(json.dumps(line) for line in lines[:2]), fmt="jsonl")
    assert result.written == {"posts": 1, "snapshots": 1}


def test_the_command_imports_a_file(anna: Influencer, tmp_path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(POSTS_CSV)
    out = io.StringIO()
    call_command("import_metrics", str(path), stdout=out)
    assert "posts: 4 rows, 4 new or changed, 0 unchanged" in out.getvalue()
    call_command("import_metrics", str(path), stdout=out)
    assert "posts: 4 rows, 0 new or changed, 4 unchanged" in out.getvalue()
    assert Post.objects.count() == 4


def test_the_command_reports_row_errors(anna: Influencer, tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("platform,account,external_id,posted_at\ninstagram,anna.ig,,2025-01-01T00:00:00Z\n")
    with pytest.raises(CommandError) as failed:
        call_command("import_metrics", str(path))
    assert "Row 2: external_id must be the platform's id of the post (1–100 characters)" in str(failed.value)
    with pytest.raises(CommandError, match="Cannot tell the format"):
        call_command("import_metrics", str(tmp_path / "data.txt"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_metrics", str(tmp_path / "missing.csv"))


def test_an_existing_post_keeps_its_row(anna: Influencer) -> None:
    account = SocialAccount.objects.get(handle="anna.ig")
    existing = PostFactory(account=account, external_id="p1", likes=1, comments=1, posted_at=RECENT)
    run_import(POSTS_CSV)
    existing.refresh_from_db()
    assert existing.likes == 500
    assert Post.objects.filter(account=account).count() == 4


def test_the_writer_matches_the_database() -> None:
    expected = CopyWriter if connection.vendor == "postgresql" else BatchWriter
    assert isinstance(writer_for_connection(), expected)


@pytest.mark.postgres
def test_a_large_import_streams_through_copy_and_is_idempotent(anna: Influencer) -> None:
    rows = "".join(f"instagram,anna.ig,big{n},{when(n % 300)},{n % 997},{n % 31}\n" for n in range(30_000))
    text = "platform,account,external_id,posted_at,likes,comments\n" + rows
    assert run_import(text).written == {"posts": 30_000}
    assert run_import(text).written == {"posts": 0}
    assert Post.objects.count() == 30_000


# --- the admin upload ----------------------------------------------------------------------------

IMPORT_URL = "/admin/influencers/enginerun/import/"


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_admin_upload_imports_and_shows_the_run(client, anna: Influencer) -> None:
    client.force_login(StaffFactory())
    changelist = client.get("/admin/influencers/enginerun/")
    assert IMPORT_URL in changelist.content.decode()
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    assert "external_id" in page.content.decode()
    response = client.post(IMPORT_URL, {"file": upload("posts.csv", POSTS_CSV), "kind": ""}, follow=True)
    run = EngineRun.objects.get(kind=EngineRun.Kind.IMPORT)
    assert response.redirect_chain[-1][0] == f"/admin/influencers/enginerun/{run.pk}/change/"
    assert "Imported posts.csv. posts: 4 rows, 4 new or changed." in response.content.decode()
    assert Post.objects.count() == 4
    assert run.triggered_by.is_staff


def test_admin_upload_lists_row_errors_and_writes_nothing(client, anna: Influencer) -> None:
    client.force_login(StaffFactory())
    response = client.post(IMPORT_URL, {"file": upload("posts.csv", POSTS_CSV.replace("p4,", "p4;"))})
    body = response.content.decode()
    assert response.status_code == 200
    assert "nothing was written" in body
    assert "Row 5: posted_at must be a date and time" in body
    failed = EngineRun.objects.get(kind=EngineRun.Kind.IMPORT)
    assert failed.status == EngineRun.Status.FAILED
    assert f"/admin/influencers/enginerun/{failed.pk}/change/" in body
    assert not Post.objects.exists()
    wrong = client.post(IMPORT_URL, {"file": upload("posts.xlsx", "x")})
    assert "Upload a .csv, .json or .jsonl file." in wrong.content.decode()


def test_admin_upload_needs_the_permission_to_add_posts(client) -> None:
    client.force_login(UserFactory(is_staff=True))
    assert client.get(IMPORT_URL).status_code == 403
