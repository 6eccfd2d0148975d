"""Repeated failed log-ins lock out that username from that address for a cool-off period."""

import datetime as dt

import pytest
from axes.models import AccessAttempt

from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def fail_logins(client, url: str, username: str, times: int) -> None:
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong-password"})
        assert response.status_code == 200  # the form again, with its error


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_lockout_after_repeated_failures_even_with_the_right_password(client, url):
    user = StaffFactory(username="mod")
    fail_logins(client, url, user.username, 2)
    response = client.post(url, {"username": "mod", "password": "wrong-password"})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()

    response = client.post(url, {"username": "mod", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client):
    UserFactory(username="victim")
    UserFactory(username="other")
    fail_logins(client, "/accounts/login/", "victim", 2)
    assert client.post("/accounts/login/", {"username": "victim", "password": "nope"}).status_code == 429
    # Another username from the same address is not punished for the victim's attempts.
    response = client.post("/accounts/login/", {"username": "other", "password": PASSWORD})
    assert response.status_code == 302
    # The same username from another address is not locked out either.
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(client, settings):
    UserFactory(username="sam")
    fail_logins(client, "/accounts/login/", "sam", 2)
    assert client.post("/accounts/login/", {"username": "sam", "password": "nope"}).status_code == 429
    assert client.post("/accounts/login/", {"username": "sam", "password": PASSWORD}).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert client.post("/accounts/login/", {"username": "sam", "password": PASSWORD}).status_code == 302


def test_successful_login_resets_the_counter(client):
    UserFactory(username="kim")
    fail_logins(client, "/accounts/login/", "kim", 2)
    assert client.post("/accounts/login/", {"username": "kim", "password": PASSWORD}).status_code == 302
    client.logout()
    fail_logins(client, "/accounts/login/", "kim", 2)
    assert client.post("/accounts/login/", {"username": "kim", "password": PASSWORD}).status_code == 302


def test_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")
    with pytest.raises(ValidationError):
        validate_password("password123")
    validate_password("a-much-longer-passphrase-2026")


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_and_old_pbkdf2_hashes_upgrade_at_log_in(client, settings) -> None:
    from django.contrib.auth.hashers import make_password

    from config import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(username="oldtimer")
    user.password = make_password("a-long-enough-secret", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post("/accounts/login/", {"username": "oldtimer", "password": "a-long-enough-secret"})
    assert response.status_code == 302  # logged in through the real form

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert make_password("another-long-secret").startswith("argon2$argon2id$")
