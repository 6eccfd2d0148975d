"""Email never breaks a request (influencers/kernel/emails.py).

Every notification email and the team invitation are queued after commit to one Celery task
(eager without a broker, as here) that sanitises the header values, retries a failed delivery with
backoff and logs it. The flow tests commit for real (transaction=True), so the emails go out inside
the request exactly as in production: a line break in a message, a campaign title or a moderation
reason used to become a `BadHeaderError` there — a 500 after the write committed, and the
notifications still to be sent for the same action were lost.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from campaigns.models import Collaboration, CollaborationMessage
from influencers.kernel.emails import EMAIL_MAX_RETRIES, header_value
from influencers.models import AuditEvent, Influencer, Notification
from influencers.tasks import email_deliver_task
from influencers.taxonomy import ModerationStatus
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = "Summer\r\nBcc: victim@example.com\r\n\r\nbody"
FAILURES: list[str] = []  # recipients of every failed delivery attempt, in order


class FlakyBackend(BaseEmailBackend):
    """The SMTP server drops the first two attempts, then accepts (into mail.outbox)."""

    def send_messages(self, messages: list[mail.EmailMessage]) -> int:
        if len(FAILURES) < 2:
            FAILURES.append(messages[0].to[0])
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(messages)
        return len(messages)


class DownBackend(BaseEmailBackend):
    """The mail server is unreachable for good."""

    def send_messages(self, messages: list[mail.EmailMessage]) -> int:
        FAILURES.append(messages[0].to[0])
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    FAILURES.clear()


def browser(user: Any) -> Client:
    """A client that answers a crash with the 500 page a user sees, instead of raising in the test."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_clean(message: mail.EmailMessage) -> None:
    assert "\r" not in message.subject
    assert "\n" not in message.subject
    assert "Summer Bcc: victim@example.com body" in message.subject
    assert message.bcc == []
    assert message.cc == []
    headers = message.message()
    assert headers["Bcc"] is None


# --- the three flows of the issue: a message, a campaign title, a moderation reason -------------


def test_a_message_with_line_breaks_is_saved_notified_and_emailed(mailoutbox: list) -> None:
    member = f.BrandMemberFactory()
    collaboration = f.CollaborationFactory(campaign__brand=member.brand, status=Collaboration.Status.ACCEPTED)
    url = reverse("campaigns:collaboration_message", args=[collaboration.campaign_id, collaboration.pk])

    response = browser(member.user).post(url, {"message": HOSTILE})

    assert response.status_code == 302
    assert CollaborationMessage.objects.filter(collaboration=collaboration, body=HOSTILE).exists()
    assert Notification.objects.filter(user=collaboration.influencer.user, verb="collaboration.message").exists()
    [sent] = mailoutbox
    assert sent.to == [collaboration.influencer.user.email]
    assert_clean(sent)
    assert "victim@example.com" in sent.body  # the body keeps the text as written


def test_a_campaign_title_with_line_breaks_notifies_and_emails_every_brand_member(mailoutbox: list) -> None:
    owner = f.BrandMemberFactory()
    teammate = f.BrandMemberFactory(brand=owner.brand, role="member")
    collaboration = f.CollaborationFactory(campaign__brand=owner.brand, campaign__title=HOSTILE)
    creator = collaboration.influencer.user
    url = reverse("me:collaboration_action", args=[collaboration.pk, "accept"])

    response = browser(creator).post(url, {"message": "Happy to"})

    assert response.status_code == 302
    collaboration.refresh_from_db()
    assert collaboration.status == Collaboration.Status.ACCEPTED
    notified = Notification.objects.filter(verb="collaboration.accepted").values_list("user", flat=True)
    assert sorted(notified) == sorted([owner.user.pk, teammate.user.pk])
    assert sorted(m.to[0] for m in mailoutbox) == sorted([owner.user.email, teammate.user.email])
    for sent in mailoutbox:
        assert_clean(sent)


def test_a_moderation_reason_with_line_breaks_moderates_notifies_and_emails() -> None:
    moderator = f.StaffFactory(username="moderator")
    campaign = f.CampaignFactory()
    owner = f.BrandMemberFactory(brand=campaign.brand)
    teammate = f.BrandMemberFactory(brand=campaign.brand, role="member")
    url = reverse("admin:campaigns_campaign_moderate", args=[campaign.pk])

    response = browser(moderator).post(url, {"moderation-decision": "suspend", "moderation-reason": HOSTILE})

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.moderation_status == ModerationStatus.SUSPENDED
    assert AuditEvent.objects.filter(action="moderation.suspend", reason=HOSTILE).exists()
    assert Notification.objects.filter(verb="moderation.suspend").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.user.email, teammate.user.email])
    for sent in mail.outbox:
        assert_clean(sent)


def test_a_brand_name_with_line_breaks_still_sends_the_team_invitation(mailoutbox: list) -> None:
    owner = f.BrandMemberFactory(brand__name=HOSTILE)

    response = browser(owner.user).post(reverse("brand:team"), {"email": "new@example.com"})

    assert response.status_code == 302
    assert owner.brand.invitations.filter(email="new@example.com").exists()
    [sent] = mailoutbox
    assert sent.to == ["new@example.com"]
    assert_clean(sent)


# --- a mail server that fails ------------------------------------------------------------------


def test_a_failed_delivery_is_logged_and_retried_until_it_goes_through(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    influencer = f.InfluencerFactory(status=ModerationStatus.PENDING)
    moderator = f.StaffFactory(username="moderator")

    with caplog.at_level(logging.WARNING, logger="influencers.kernel.emails"):
        response = browser(moderator).post(
            reverse("admin:influencers_influencer_moderate", args=[influencer.pk]),
            {"moderation-decision": "approve", "moderation-reason": ""},
        )

    assert response.status_code == 302
    assert Influencer.objects.get(pk=influencer.pk).status == ModerationStatus.APPROVED
    assert [influencer.user.email] * 2 == FAILURES
    [sent] = mail.outbox
    assert sent.to == [influencer.user.email]
    retries = [r for r in caplog.records if "will retry" in r.getMessage()]
    assert len(retries) == 2
    assert all(influencer.user.email in r.getMessage() for r in retries)


def test_a_mail_server_that_stays_down_never_fails_the_request_nor_the_other_emails(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    owner = f.BrandMemberFactory()
    teammate = f.BrandMemberFactory(brand=owner.brand, role="member")
    collaboration = f.CollaborationFactory(campaign__brand=owner.brand)

    with caplog.at_level(logging.WARNING, logger="influencers.kernel.emails"):
        response = browser(collaboration.influencer.user).post(
            reverse("me:collaboration_action", args=[collaboration.pk, "accept"]), {"message": ""}
        )

    assert response.status_code == 302
    assert Collaboration.objects.get(pk=collaboration.pk).status == Collaboration.Status.ACCEPTED
    assert Notification.objects.filter(verb="collaboration.accepted").count() == 2
    # Every recipient was tried 1 + EMAIL_MAX_RETRIES times; one failing address does not stop the next.
    assert sorted(FAILURES) == sorted([owner.user.email, teammate.user.email] * (1 + EMAIL_MAX_RETRIES))
    gave_up = [r for r in caplog.records if r.levelno == logging.ERROR and "gave up" in r.getMessage()]
    assert sorted(r.getMessage().split()[-1] for r in gave_up) == sorted([owner.user.email, teammate.user.email])


# --- the header rule ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Summer\r\nBcc: x@example.com", "Summer Bcc: x@example.com"),
        ("a\nb\rc", "a b c"),
        ("tab\tand\x0bvertical\x0cfeed", "tab and vertical feed"),
        ("unicode\u2028line\u2029para\x85next", "unicode line para next"),
        ("nul\x00and\x1bescape", "nul and escape"),
        ("  spaced   out  ", "spaced out"),
        ("x" * 300, "x" * 149 + "…"),
    ],
)
def test_header_values_are_one_line_without_control_characters(raw: str, clean: str) -> None:
    assert header_value(raw) == clean


@pytest.mark.django_db(transaction=False)
def test_with_a_worker_a_failed_delivery_is_retried_later_with_exponential_backoff(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    countdowns: list[int] = []
    monkeypatch.setattr(email_deliver_task, "retry", lambda *, countdown: countdowns.append(countdown) or Retry())
    for retries in range(EMAIL_MAX_RETRIES + 1):
        email_deliver_task.push_request(retries=retries, is_eager=False)
        try:
            if retries < EMAIL_MAX_RETRIES:
                with pytest.raises(Retry):
                    email_deliver_task.run(to="a@example.com", subject="s", body="b")
            else:  # out of retries: logged, not raised
                email_deliver_task.run(to="a@example.com", subject="s", body="b")
        finally:
            email_deliver_task.pop_request()
    assert countdowns == [60, 120, 240, 480, 960]
    assert len(FAILURES) == 1 + EMAIL_MAX_RETRIES
