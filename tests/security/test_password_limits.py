"""Rate limits on the password pages (brands/accounts/password_views.py): reset emails per address and per
client, and password-change attempts per user. Each test lowers one limit, goes over it and checks
what a person would notice: a 429 that says why, no further email, no password changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "An0ther-long-secret"


@pytest.fixture
def limits(settings):
    def lower(**rates: str) -> None:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return lower


def ask_reset(client, email: str):
    return client.post(reverse("password_reset"), {"email": email})


def test_reset_emails_to_one_address_are_limited(client, limits, mailoutbox):
    limits(password_reset_email="3/hour", password_reset_client="off")
    user = UserFactory()
    for _ in range(3):
        assert ask_reset(client, user.email).status_code == 302
    response = ask_reset(client, user.email.upper())  # the same mailbox, however it is typed
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "already sent several password-reset emails" in response.content.decode()
    assert len(mailoutbox) == 3
    # Another address is not affected.
    assert ask_reset(client, UserFactory().email).status_code == 302
    assert len(mailoutbox) == 4


def test_the_address_limit_answers_the_same_for_an_address_without_an_account(client, limits, mailoutbox):
    limits(password_reset_email="2/hour", password_reset_client="off")
    statuses = [ask_reset(client, "nobody@example.com").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert mailoutbox == []


def test_reset_requests_from_one_client_are_limited(client, limits, mailoutbox):
    limits(password_reset_client="2/hour")
    users = UserFactory.create_batch(3)
    assert ask_reset(client, users[0].email).status_code == 302
    assert ask_reset(client, users[1].email).status_code == 302
    response = ask_reset(client, users[2].email)
    assert response.status_code == 429
    assert "Too many password-reset requests" in response.content.decode()
    assert [message.to for message in mailoutbox] == [[users[0].email], [users[1].email]]


def test_wrong_old_passwords_are_limited_and_the_limit_holds_for_the_right_one(client, limits):
    limits(password_change="3/15min")
    user = UserFactory()
    client.force_login(user)
    attempt = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for guess in ("guess-1", "guess-2", "guess-3"):
        response = client.post(reverse("password_change"), {**attempt, "old_password": guess})
        assert response.status_code == 200
        assert "old password was entered incorrectly" in response.content.decode()
    # Over the limit the form is not even checked: a right guess would otherwise tell itself apart.
    response = client.post(reverse("password_change"), {**attempt, "old_password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts to change your password" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not user.check_password(NEW_PASSWORD)
