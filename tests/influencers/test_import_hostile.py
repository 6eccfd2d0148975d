"""Hostile import files (issue #8): every one is answered with a clear message, never a traceback.

Each file goes through the management command (a CommandError: `manage.py` prints it and exits with
status 1, no traceback) and through the API import endpoint (a 400 with the messages). Nothing is
written: no post, no snapshot, no changed account; the failed run is recorded with the errors.
Runs on SQLite and on PostgreSQL (there the CSV files take the SQL-checked path).
"""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from influencers.models import EngineRun, FollowerSnapshot, Post, SocialAccount
from tests.api.conftest import token_client
from tests.factories import InfluencerFactory, SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

POSTED = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0).isoformat()
HEADER = "platform,account,external_id,posted_at,likes,comments,caption\n"
GOOD = f"instagram,anna.ig,ok1,{POSTED},10,1,fine\n"


def _binary() -> bytes:
    rng = random.Random(8)
    return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4096))


# name: (file name, bytes, a piece of the expected message)
CORPUS: dict[str, tuple[str, bytes, str]] = {
    "wrong_delimiter": (
        "p.csv",
        f"platform;account;external_id;posted_at\ninstagram;anna.ig;x;{POSTED}\n".encode(),
        "Row 1: The columns are separated by “;”: save the file with commas (CSV).",
    ),
    "tab_separated": (
        "p.csv",
        f"platform\taccount\texternal_id\tposted_at\ninstagram\tanna.ig\tx\t{POSTED}\n".encode(),
        "separated by tabs",
    ),
    "missing_required_column": (
        "p.csv",
        b"platform,account,external_id,likes\ninstagram,anna.ig,x,5\n",
        "Row 2: posted_at must be a date and time like 2025-03-01T14:30:00Z",
    ),
    "unknown_column": (
        "p.csv",
        f"platform,account,external_id,posted_at,likez\ninstagram,anna.ig,x,{POSTED},5\n".encode(),
        "Row 1: unknown column(s) likez",
    ),
    "extra_cells": (
        "p.csv",
        (HEADER + GOOD + f"instagram,anna.ig,x2,{POSTED},1,1,a,b,c\n").encode(),
        "Row 3: has 9 cells but the header has 7 columns",
    ),
    "binary_garbage": ("p.csv", _binary(), "The file is not UTF-8 text"),
    "binary_garbage_json": ("p.json", _binary(), "The file is not UTF-8 text"),
    "nul_in_a_cell": (
        "p.csv",
        (HEADER + f"instagram,anna.ig,n\x00ul,{POSTED},1,1,\n").encode(),
        "Row 2: external_id must not contain NUL characters (got “n␀ul”)",
    ),
    "nul_in_the_header": ("p.csv", b"platform,acc\x00ount,external_id,posted_at\n", "unknown column(s) acc␀ount"),
    "nul_in_json": (
        "p.json",
        json.dumps(
            {
                "posts": [
                    {
                        "platform": "instagram",
                        "account": "anna.ig",
                        "external_id": "a",
                        "posted_at": POSTED,
                        "caption": "x\u0000y",
                    }
                ]
            }
        ).encode(),
        "Posts item 1: caption must not contain NUL characters",
    ),
    "lone_surrogate_in_jsonl": (
        "p.jsonl",
        b'{"kind": "post", "platform": "instagram", "account": "anna.ig", "external_id": "\\ud800", '
        + f'"posted_at": "{POSTED}"}}\n'.encode(),
        "Line 1: external_id contains characters that are not valid Unicode",
    ),
    "huge_field_csv": (
        "p.csv",
        (HEADER + f"instagram,anna.ig,big,{POSTED},1,1,{'x' * 1_000_000}\n").encode(),
        "Row 2: Cannot read this row: a cell holds more than 131,072 characters",
    ),
    "huge_field_json": (
        "p.json",
        json.dumps(
            {
                "posts": [
                    {
                        "platform": "instagram",
                        "account": "anna.ig",
                        "external_id": "a",
                        "posted_at": POSTED,
                        "caption": "x" * 1_000_000,
                    }
                ]
            }
        ).encode(),
        "Posts item 1: caption must be at most 5,000 characters",
    ),
    "numbers_csv": (
        "p.csv",
        (
            HEADER + f"instagram,anna.ig,n1,{POSTED},{10**30},-5,\ninstagram,anna.ig,n2,{POSTED},NaN,Infinity,\n"
        ).encode(),
        "Row 2: likes must be between 0 and 1,000,000,000,000 (got “1000000000000000000000000000000”)",
    ),
    "numbers_json": (
        "p.jsonl",
        "\n".join(
            json.dumps(
                {
                    "kind": "post",
                    "platform": "instagram",
                    "account": "anna.ig",
                    "external_id": f"j{n}",
                    "posted_at": POSTED,
                    "likes": value,
                }
            )
            for n, value in enumerate([10**30, 1e30, -1, 1.5, True, "²", {"a": 1}])
        ).encode(),
        "Line 1: likes must be between 0 and 1,000,000,000,000",
    ),
    "nan_json": (
        "p.json",
        b'{"posts": [{"platform": "instagram", "likes": NaN}]}',
        "This is not valid JSON: NaN is not a number",
    ),
    "infinity_jsonl": (
        "p.jsonl",
        b'{"kind": "post", "platform": "instagram", "likes": -Infinity}\n',
        "Line 1: is not valid JSON: -Infinity is not a number",
    ),
    "bad_dates": (
        "p.csv",
        (HEADER + "instagram,anna.ig,d1,2025-13-45T10:00:00Z,1,1,\ninstagram,anna.ig,d2,yesterday,1,1,\n").encode(),
        "Row 2: posted_at must be a date and time like 2025-03-01T14:30:00Z (got “2025-13-45T10:00:00Z”)",
    ),
    "bad_snapshot_dates": (
        "s.csv",
        b"platform,account,date,followers\ninstagram,anna.ig,2025-02-30,5\ninstagram,anna.ig,2999-01-01,5\n",
        "Row 3: date is in the future (got “2999-01-01”)",
    ),
    "unknown_account": (
        "p.csv",
        (HEADER + GOOD + f"instagram,nobody.here,u1,{POSTED},1,1,\n").encode(),
        "Row 3: there is no instagram account @nobody.here on Invloed",
    ),
    "duplicate_rows": (
        "p.csv",
        (HEADER + GOOD + GOOD).encode(),
        "Row 3: describes the same record as row 2; keep one of them",
    ),
    "latin1_encoding": (
        "p.csv",
        (HEADER + GOOD + f"instagram,anna.ig,l1,{POSTED},1,1,café\n").encode("latin-1"),
        "The file is not UTF-8 text",
    ),
    "utf16_encoding": ("p.csv", (HEADER + GOOD).encode("utf-16"), "The file is not UTF-8 text"),
    "truncated_json": (
        "p.json",
        json.dumps({"posts": [{"platform": "instagram", "account": "anna.ig"}] * 3}).encode()[:-7],
        "This is not valid JSON",
    ),
    "deeply_nested_json": ("p.json", b'{"posts": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", "nested too deeply"),
    "deeply_nested_jsonl": (
        "p.jsonl",
        b"[" * 200_000 + b"]" * 200_000 + b"\n",
        "Line 1: The JSON is nested too deeply",
    ),
    "json_not_an_object": ("p.json", b"[1, 2, 3]", 'Expected an object like {"posts": [...]'),
    "empty_csv": ("p.csv", b"", "The file is empty."),
    "empty_json": ("p.json", b"", "This is not valid JSON"),
    "empty_jsonl": ("p.jsonl", b"\n\n", "The file holds no records: nothing to import."),
    "header_only": ("p.csv", HEADER.encode(), "The file holds no records: nothing to import."),
    "bom_then_bad_row": (
        "p.csv",
        "\ufeff".encode() + (HEADER + f"instagram,anna.ig,b1,{POSTED},-1,1,\n").encode(),
        "Row 2: likes must be between 0 and 1,000,000,000,000 (got “-1”)",
    ),
}


@pytest.fixture
def anna() -> None:
    influencer = InfluencerFactory(handle="anna", user=None)
    SocialAccountFactory(influencer=influencer, platform="instagram", handle="anna.ig", followers=1_000)


def _nothing_written() -> None:
    assert not Post.objects.exists()
    assert not FollowerSnapshot.objects.exists()
    assert not SocialAccount.objects.filter(posts_changed_at__isnull=False).exists()
    assert SocialAccount.objects.get(handle="anna.ig").followers == 1_000


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_the_command_refuses_with_a_message(case: str, anna: None, tmp_path) -> None:
    name, content, expected = CORPUS[case]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:  # manage.py: "CommandError: …", exit status 1
        call_command("import_metrics", str(path))
    message = str(refused.value)
    assert expected in message
    assert len(message) < 20_000  # a screenful, not the file echoed back
    _nothing_written()
    run = EngineRun.objects.filter(kind=EngineRun.Kind.IMPORT).get()
    assert run.status == EngineRun.Status.FAILED
    assert "nothing was written" in run.error


@pytest.fixture
def provider(db):
    user = UserFactory(username="provider")
    user.user_permissions.add(Permission.objects.get(codename="add_post", content_type__app_label="influencers"))
    return token_client(user)


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_the_api_refuses_with_a_400(case: str, anna: None, provider) -> None:
    name, content, expected = CORPUS[case]
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = provider.post("/api/v1/metrics/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    if not content:  # the upload form itself refuses an empty file, before any import starts
        assert body["fields"]["file"] == ["The submitted file is empty."]
    else:
        assert "nothing was written" in body["detail"]
        assert any(expected in message for message in body["fields"]["file"]), body["fields"]["file"][:5]
    _nothing_written()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{" * 10 + b'"posts": [', "application/json"),  # truncated
        (b'{"posts": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", "application/json"),  # nested
        (b'{"posts": [{"likes": NaN}]}', "application/json"),
        (b"\xff\xfe\x00binary", "application/json"),
        (b'{"posts": [{"external_id": "\\ud800"}]}', "application/json"),
        (b"", "application/json"),
        (b"[]", "application/json"),
        (b'{"posts": "not a list"}', "application/json"),
        (b'{"tweets": []}', "application/json"),
    ],
)
def test_hostile_json_bodies_get_a_400(body: bytes, content_type: str, anna: None, provider) -> None:
    response = provider.generic("POST", "/api/v1/metrics/imports/", body, content_type=content_type)
    assert response.status_code == 400, response.content[:500]
    assert response.json()["detail"]
    _nothing_written()


def test_a_body_over_the_upload_limit_is_refused(anna: None, provider, settings) -> None:
    body = json.dumps({"posts": [{"caption": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}]}).encode()
    response = provider.generic("POST", "/api/v1/metrics/imports/", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    _nothing_written()


def test_a_bom_file_imports(anna: None, tmp_path) -> None:
    """The control: a valid file with a byte-order mark (as spreadsheets save it) is fine."""
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff".encode() + (HEADER + GOOD).encode())
    call_command("import_metrics", str(path))
    assert Post.objects.get().caption == "fine"
