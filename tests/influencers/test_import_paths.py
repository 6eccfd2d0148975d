"""The import's paths give identical outcomes on the same file.

On PostgreSQL a CSV file of posts or snapshots takes the fast path (cells copied as text, checked and
converted in SQL; Python validates only rows SQL does not accept). Every file below is imported three
times on the same data, each time rolled back: through the fast path, through the Python validator with
the COPY writer (JSON's path), and through the batch writer the SQLite demo uses. Errors (text, order,
truncation), counts, and the stored rows must be the same.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import transaction
from django.utils import timezone

import influencers.importers as importers
from influencers.importers import ImportFailed, copy_writer, metrics_import
from influencers.importers import writers as writers_module
from influencers.models import FollowerSnapshot, Post, SocialAccount
from tests.factories import InfluencerFactory, SocialAccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NOW = timezone.now().replace(microsecond=0)
DAY = NOW - dt.timedelta(days=3)
D = DAY.date().isoformat()
FUTURE = (NOW + dt.timedelta(days=2)).isoformat()
TODAY = timezone.localdate()

HEADER = "platform,account,external_id,posted_at,format,caption,url,likes,comments,shares,views,is_sponsored\n"

# Every row valid, most in a spelling only the Python validator understands: the fast path must hand
# those over and store exactly what the Python path stores.
VALID_POSTS = HEADER + "\n".join(
    [
        f"instagram,anna.ig,c1,{D}T10:00:00Z,reel,plain,https://x.test/1,10,1,,,true",
        f"Instagram,@@ANNA.IG,c2,{D}T10:00:00+02:00,REEL,,,007,0,,,Yes",
        f" instagram ,anna.ig, c3 ,{D} 10:00,, ,http://x.test/3, 5 ,+5,,,y",
        f'instagram,anna.ig,c4,{D}T10:00:00.5,image,"multi\nline, quoted",,٣,,,,TRUE',
        f"instagram,anna.ig,c5,{D}T10:00:00.1234567+01:00,,,,1000000000000,,,,",
        f"instagram,anna.ig,c é,{D}T10:00:00-03:30,Carousel,caf\u00e9 \x1f unit sep,,,,,,0",
        "instagram,anna.ig,c7,2024-02-29T23:59:59,,,, 12 ,,,,F",
        "",
        ",,,,,,,,,,,",
        f"instagram,anna.ig,c8,{D.replace('-', '')}T100000,,{'x' * 5000},,,,,,no",
        f"tiktok,anna.tt,c1,{D}T10:00:00Z,video,,,1,2,3,4,",
        f"instagram,anna.ig,c9,{D}T10:00:00Z,,,,,,",
    ]
)

INVALID_POSTS = HEADER + "\n".join(
    [
        f"myspace,anna.ig,e1,{D}T10:00:00Z,,,,,,,,",
        f"instagram,,e2,{D}T10:00:00Z,,,,,,,,",
        f"instagram,anna.ig,,{D}T10:00:00Z,,,,,,,,",
        "instagram,anna.ig,e4,2025-02-29T10:00:00Z,,,,,,,,",
        "instagram,anna.ig,e5,2025-04-31T10:00:00,,,,,,,,",
        "instagram,anna.ig,e6,0000-01-01T00:00:00,,,,,,,,",
        f"instagram,anna.ig,e7,{FUTURE},,,,,,,,",
        "instagram,anna.ig,e8,yesterday,,,,,,,,",
        f"instagram,anna.ig,e9,{D}T24:00:00,,,,,,,,",
        f"instagram,anna.ig,e10,{D}T10:00:00Z,gif,,,,,,,",
        f"instagram,anna.ig,e11,{D}T10:00:00Z,,{'x' * 5001},,,,,,",
        f"instagram,anna.ig,e12,{D}T10:00:00Z,,,ftp://x.test,,,,,",
        f"instagram,anna.ig,e13,{D}T10:00:00Z,,,https://{'x' * 500},,,,,",
        f"instagram,anna.ig,e14,{D}T10:00:00Z,,,,1000000000001,-1,1.0,²,maybe",
        f"instagram,anna.ig,e15,{D}T10:00:00Z,,,,9999999999999,1e3,NaN,Infinity,",
        f"instagram,nobody,e16,{D}T10:00:00Z,,,,,,,,",
        f"instagram,anna.ig,c1,{D}T10:00:00Z,,,,,,,,",
        f"instagram,@ANNA.IG,c1,{D}T11:00:00Z,,,,,,,,",
        f"instagram,anna.ig,{'i' * 101},{D}T10:00:00Z,,,,,,,,",
        f"instagram,anna.ig,e20,{D}T10:00:00Z,,,,,,,,,extra",
        f"instagram,anna.ig,e21,{D}T10:00:00Z,,nul\x00here,,,,,,",
        f"instagram,{'h' * 101},e22,{D}T10:00:00Z,,,,,,,,",
        "instagram,anna.ig,e23",
        f"instagram,nobody,e16,{D}T10:00:00Z,,,,,,,,",
    ]
)

SNAPSHOTS = "platform,account,date,followers\n" + "\n".join(
    [
        f"instagram,anna.ig,{TODAY - dt.timedelta(days=2)},1200",
        f"Instagram,@Anna.IG,{(TODAY - dt.timedelta(days=1)).isoformat().replace('-', '')},1300",
        f"instagram,anna.ig, {TODAY} ,0014",
        "tiktok,anna.tt,2024-02-29,5",
    ]
)
BAD_SNAPSHOTS = "platform,account,date,followers\n" + "\n".join(
    [
        "instagram,anna.ig,2025-02-29,1",
        f"instagram,anna.ig,{TODAY + dt.timedelta(days=3)},1",
        f"instagram,anna.ig,{TODAY},",
        f"instagram,anna.ig,{TODAY},-4",
        f"instagram,anna.ig,{TODAY},10000000000000",
        f"instagram,nobody,{TODAY},1",
        f"instagram,anna.ig,{TODAY - dt.timedelta(days=9)},1",
        f"instagram,ANNA.IG,{TODAY - dt.timedelta(days=9)},2",
    ]
)


def _many_errors() -> str:
    """More than 100 problems, unknown accounts before and after a batch boundary (1,000 rows)."""
    rows = []
    for n in range(1, 1500):
        if n % 250 == 0:
            rows.append(f"instagram,nobody{n},m{n},{D}T10:00:00Z,,,,,,,,")
        elif n > 1100 and n % 3 == 0:
            rows.append(f"instagram,anna.ig,m{n},{D}T10:00:00Z,,,,-{n},,,,")
        else:
            rows.append(f"instagram,anna.ig,m{n},{D}T10:00:00Z,,,,{n},,,,")
    return HEADER + "\n".join(rows)


CASES = {
    "valid_posts": VALID_POSTS,
    "invalid_posts": INVALID_POSTS,
    "snapshots": SNAPSHOTS,
    "bad_snapshots": BAD_SNAPSHOTS,
    "many_errors": _many_errors(),
    "reordered_columns": "likes,posted_at,external_id,account,platform\n"
    + f"5,{D}T10:00:00Z,r1,anna.ig,instagram\n7,{D}T09:00:00.25-01:00,r2,@Anna.IG,INSTAGRAM\n"
    + f"9999999999999,{FUTURE},r3,anna.ig,instagram\n",
    "no_posted_at_column": "platform,account,external_id,likes\ninstagram,anna.ig,x1,5\ninstagram,anna.ig,x2,6\n",
    "short_and_unknown_only": HEADER + f"instagram,nobody,x1,{D}T10:00:00Z\ninstagram,anna.ig,x2,{D}T10:00:00Z\n",
}


@pytest.fixture
def accounts() -> None:
    anna = InfluencerFactory(handle="anna", user=None)
    SocialAccountFactory(influencer=anna, platform="instagram", handle="anna.ig", followers=1_000)
    SocialAccountFactory(influencer=anna, platform="tiktok", handle="anna.tt", followers=50)


def _outcome(text: str) -> dict:
    """Import inside a savepoint, describe everything that happened, roll back."""
    savepoint = transaction.savepoint()
    try:
        try:
            result = metrics_import(source=io.BytesIO(text.encode()), fmt="csv", filename="case.csv")
        except ImportFailed as failed:
            outcome = {"errors": [str(e) for e in failed.errors], "truncated": failed.truncated}
        else:
            outcome = {"rows": result.rows, "written": result.written, "accounts": result.accounts_changed}
        outcome["posts"] = sorted(
            Post.objects.values_list(
                "account__handle", "external_id", "posted_at", "format", "caption", "url",
                "likes", "comments", "shares", "views", "saves", "is_sponsored", "has_ad_disclosure",
            )
        )  # fmt: skip
        outcome["snapshots"] = sorted(FollowerSnapshot.objects.values_list("account__handle", "date", "followers"))
        outcome["followers"] = sorted(SocialAccount.objects.values_list("handle", "followers"))
        return outcome
    finally:
        transaction.savepoint_rollback(savepoint)


def _through(path: str, text: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    with monkeypatch.context() as patch:
        if path != "sql":
            patch.setattr(importers, "FAST_PATH", False)
        if path == "batch":
            patch.setattr(importers, "writer_for_connection", writers_module.BatchWriter)
        return _outcome(text)


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_python_and_batch_paths_agree(case: str, accounts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    text = CASES[case]
    sql, python, batch = (_through(path, text, monkeypatch) for path in ("sql", "python", "batch"))
    assert sql == python
    assert sql == batch
    if case in ("valid_posts", "snapshots"):
        assert "errors" not in sql, sql.get("errors")
        assert sql["written"] == sql["rows"]
    else:
        assert sql["errors"]
        assert not sql["posts"]
        assert not sql["snapshots"]


def test_the_cases_mean_something(accounts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spot checks, so the comparison above is not of three identical mistakes."""
    valid = _through("sql", VALID_POSTS, monkeypatch)
    assert valid["rows"] == {"posts": 10}
    assert valid["written"] == {"posts": 10}
    posts = {row[1]: row for row in valid["posts"]}
    assert posts["c2"][2] == DAY.replace(hour=8, minute=0, second=0)  # +02:00
    assert posts["c2"][6] == 7
    assert posts["c2"][11] is True
    assert posts["c2"][3] == "reel"
    assert posts["c3"][6:8] == (5, 5)
    assert posts["c4"][6] == 3
    assert posts["c5"][2].microsecond == 123456
    assert posts["c5"][6] == 10**12
    assert posts["c9"][6] is None  # empty = hidden, never 0
    invalid = _through("sql", INVALID_POSTS, monkeypatch)["errors"]
    assert "Row 5: posted_at must be a date and time like 2025-03-01T14:30:00Z (got “2025-02-29T10:00:00Z”)" in invalid
    assert "Row 19: describes the same record as row 18; keep one of them" in invalid
    assert "Row 22: caption must not contain NUL characters (got “nul␀here”)" in invalid
    unknown = "Row 17: there is no instagram account @nobody on Invloed; add it to the influencer's profile first"
    assert invalid.index(unknown) < invalid.index("Row 19: describes the same record as row 18; keep one of them")
    many = _through("sql", CASES["many_errors"], monkeypatch)
    assert len(many["errors"]) == 100
    assert many["truncated"]
    assert many["errors"][0].startswith("Row 251: there is no instagram account @nobody250")


def test_plain_rows_never_reach_the_python_validator(accounts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is really taken: a file of plainly spelled rows is checked in SQL only."""
    checked: list[object] = []
    real = copy_writer.validate
    monkeypatch.setattr(copy_writer, "validate", lambda kind, raw: checked.append(raw) or real(kind, raw))
    rows = "".join(f"instagram,anna.ig,p{n},{D}T10:{n % 60:02d}:00Z,image,,,{n},1,,,false\n" for n in range(300))
    outcome = _outcome(HEADER + rows + f"instagram,anna.ig,odd,{D}T10:00:00Z, image,,,1,1,,,false\n")
    assert outcome["written"] == {"posts": 301}
    assert [raw["external_id"] for raw in checked] == ["odd"]  # only the row with " image"
