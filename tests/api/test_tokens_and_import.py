"""API tokens from the account page (create, replace, revoke; shown once) and the metrics import
endpoint (staff or a provider account; all or nothing, answered with the run)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from brands.accounts.api_tokens import api_token_issue
from brands.models import ApiToken
from influencers.models import AuditEvent, EngineRun, Post
from tests.api.conftest import Roles, token_client
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_create_show_once_replace_and_revoke_a_token(client, roles: Roles):
    user = roles.member_a.user
    client.force_login(user)
    page = client.get("/account/").content.decode()
    assert "Create an API token" in page

    response = client.post("/account/api-token/", {"action": "create"}, follow=True)
    key = re.search(r'id="api-token-key">([^<]+)<', response.content.decode()).group(1)
    assert "no-store" in response["Cache-Control"]  # the page that shows the key is never cached
    # Hashed at rest: no column of the row holds the key.
    row = ApiToken.objects.values().get(user=user)
    assert key not in {str(value) for value in row.values()}
    assert row["expiry"] is not None
    assert row["last_used_at"] is None
    # Shown once: the next visit says a token exists, without the key.
    later = client.get("/account/").content.decode()
    assert key not in later
    assert "Revoke token" in later
    assert "Not used yet." in later

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/brands/me/").status_code == 200
    assert ApiToken.objects.get(user=user).last_used_at is not None
    assert "Last used on" in client.get("/account/").content.decode()

    client.post("/account/api-token/", {"action": "create"})
    assert ApiToken.objects.filter(user=user).count() == 1
    assert api.get("/api/v1/brands/me/").status_code == 401  # the replaced key stopped working

    client.post("/account/api-token/", {"action": "revoke"})
    assert not ApiToken.objects.filter(user=user).exists()
    actions = set(AuditEvent.objects.filter(action__startswith="api_token.").values_list("action", flat=True))
    assert actions == {"api_token.created", "api_token.replaced", "api_token.revoked"}


def test_token_view_needs_login_and_post(client, roles: Roles):
    assert client.post("/account/api-token/", {"action": "create"}).status_code == 302  # to the login page
    client.force_login(roles.member_a.user)
    assert client.get("/account/api-token/").status_code == 405
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused_and_deleted(roles: Roles):
    issued = api_token_issue(user=roles.member_a.user)
    ApiToken.objects.filter(pk=issued.token.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert api.get("/api/v1/brands/me/").status_code == 401
    assert not ApiToken.objects.exists()


def test_tokens_expire_after_the_configured_days(settings, roles: Roles):
    issued = api_token_issue(user=roles.member_a.user)
    expected = timezone.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert abs(issued.token.expiry - expected) < dt.timedelta(minutes=1)


def test_a_password_change_revokes_the_token(client, roles: Roles):
    user = roles.member_a.user
    key = api_token_issue(user=user).key
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "An0ther-long-secret", "new_password2": "An0ther-long-secret"},
    )
    assert response.status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/brands/me/").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_password_reset_revokes_the_token(client, roles: Roles, mailoutbox):
    user = roles.member_a.user
    key = api_token_issue(user=user).key
    client.post("/accounts/password_reset/", {"email": user.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mailoutbox[-1].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session key and redirects
    response = client.post(form_url, {"new_password1": "An0ther-long-secret", "new_password2": "An0ther-long-secret"})
    assert response.status_code == 302
    assert response.url.endswith("/reset/done/")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/brands/me/").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_password_set_elsewhere_also_stops_the_token(roles: Roles):
    """The admin's password form and `manage.py changepassword` call set_password without our views."""
    user = roles.member_a.user
    key = api_token_issue(user=user).key
    user.set_password("An0ther-long-secret")
    user.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/brands/me/")
    assert response.status_code == 401
    assert "password change" in response.json()["detail"]


def test_the_admin_lists_token_holders_never_keys_and_revokes_with_an_audit_row(client, roles: Roles):
    issued = api_token_issue(user=roles.member_a.user)
    client.force_login(roles.staff)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404  # DRF's clear-text list is gone
    page = client.get("/admin/brands/apitoken/").content.decode()
    assert roles.member_a.user.username in page
    assert issued.key not in page
    assert issued.key[:15] not in page
    # (The row's id in the links is the SHA-512 digest: it cannot be turned back into the key.)

    response = client.post(
        "/admin/brands/apitoken/", {"action": "revoke", "_selected_action": [issued.token.pk]}, follow=True
    )
    assert "1 token revoked." in response.content.decode()
    assert not ApiToken.objects.exists()
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.actor == roles.staff


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
