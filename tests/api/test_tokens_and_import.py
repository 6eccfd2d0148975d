"""API tokens from the account page (create, replace, revoke; shown once) and the metrics import
endpoint (staff or a provider account; all or nothing, answered with the run)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from influencers.models import AuditEvent, EngineRun, Post
from tests.api.conftest import Roles, token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_show_once_replace_and_revoke_a_token(client, roles: Roles):
    user = roles.member_a.user
    client.force_login(user)
    page = client.get("/account/").content.decode()
    assert "Create an API token" in page

    response = client.post("/account/api-token/", {"action": "create"}, follow=True)
    key = Token.objects.get(user=user).key
    assert key in response.content.decode()
    # Shown once: the next visit says a token exists, without the key.
    later = client.get("/account/").content.decode()
    assert key not in later
    assert "Revoke token" in later

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/brands/me/").status_code == 200

    client.post("/account/api-token/", {"action": "create"})
    new_key = Token.objects.get(user=user).key
    assert new_key != key
    assert api.get("/api/v1/brands/me/").status_code == 401  # the replaced key stopped working

    client.post("/account/api-token/", {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()
    api.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert api.get("/api/v1/brands/me/").status_code == 401
    actions = set(AuditEvent.objects.filter(action__startswith="api_token.").values_list("action", flat=True))
    assert actions == {"api_token.created", "api_token.replaced", "api_token.revoked"}


def test_token_view_needs_login_and_post(client, roles: Roles):
    assert client.post("/account/api-token/", {"action": "create"}).status_code == 302  # to the login page
    client.force_login(roles.member_a.user)
    assert client.get("/account/api-token/").status_code == 405
    assert not Token.objects.exists()


def test_tokens_are_managed_in_the_admin(client, roles: Roles):
    client.force_login(roles.staff)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 200


# --- metrics import ---------------------------------------------------------------------------------


POSTED = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0).isoformat()


def posts_document(handle: str, likes: int = 120) -> dict:
    posted = POSTED
    return {
        "posts": [
            {
                "platform": "instagram",
                "account": handle,
                "external_id": f"p{n}",
                "posted_at": posted,
                "likes": likes,
                "comments": 4,
            }
            for n in range(3)
        ]
    }


@pytest.fixture
def provider(db):
    user = UserFactory(username="provider")
    user.user_permissions.add(Permission.objects.get(codename="add_post", content_type__app_label="influencers"))
    return token_client(user)


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("influencer_a", 403), ("brand_a", 403)])
def test_import_is_for_staff_and_providers(api, roles: Roles, role, status):
    response = api(role).post("/api/v1/metrics/imports/", posts_document("anna.style.ig"), format="json")
    assert response.status_code == status
    assert not Post.objects.exists()


def test_provider_imports_json_and_gets_the_run(provider, roles: Roles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = provider.post("/api/v1/metrics/imports/", posts_document("anna.style.ig"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["rows"] == {"posts": 3}
    assert body["written"] == {"posts": 3}
    run = EngineRun.objects.get(pk=body["run_id"])
    assert run.kind == EngineRun.Kind.IMPORT
    assert body["url"].endswith(f"/api/v1/runs/{run.pk}/")
    assert provider.get(f"/api/v1/runs/{run.pk}/").json()["status"] == "succeeded"
    # Importing the same rows again changes nothing.
    with django_capture_on_commit_callbacks(execute=False):
        again = provider.post("/api/v1/metrics/imports/", posts_document("anna.style.ig"), format="json")
    assert again.json()["unchanged"] == {"posts": 3}
    assert Post.objects.count() == 3


def test_staff_uploads_a_csv_file(api, roles: Roles, django_capture_on_commit_callbacks):
    csv = (
        f"platform,account,date,followers\ninstagram,anna.style.ig,{timezone.localdate().isoformat()},25100\n"
    ).encode()
    upload = SimpleUploadedFile("snapshots.csv", csv, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=False):
        response = api("staff").post("/api/v1/metrics/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["rows"] == {"snapshots": 1}


def test_a_bad_row_rejects_the_whole_import(provider, roles: Roles):
    document = posts_document("anna.style.ig")
    document["posts"][2]["likes"] = -3
    document["posts"].append({"platform": "instagram", "account": "nobody", "external_id": "x", "posted_at": "soon"})
    response = provider.post("/api/v1/metrics/imports/", document, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "nothing was written" in body["detail"]
    assert len(body["fields"]["file"]) >= 2  # one message per bad row, with its number
    assert any(message.startswith("Posts item 3: likes") for message in body["fields"]["file"])
    assert not Post.objects.exists()
    assert EngineRun.objects.get(kind=EngineRun.Kind.IMPORT).status == EngineRun.Status.FAILED


def test_import_validation(provider, roles: Roles):
    assert provider.post("/api/v1/metrics/imports/", {}, format="json").status_code == 400
    wrong = SimpleUploadedFile("metrics.xlsx", b"PK\x03\x04", content_type="application/octet-stream")
    response = provider.post("/api/v1/metrics/imports/", {"file": wrong}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["fields"]
