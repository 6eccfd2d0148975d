"""Signed webhooks, delivered to a real HTTP server on 127.0.0.1 (tests/webhook_receiver.py).

The receiver checks every signature with the snippet published in docs/api.md. Deliveries run the
real task function (Celery runs eagerly in these tests); retries are brought forward by moving a
delivery's `next_attempt_at` into the past, as the clock would, and the beat sweep then sends them.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns import webhook_delivery
from campaigns.draws import GiveawayDraw
from campaigns.ledger_models import LedgerEntry
from campaigns.models import Collaboration
from campaigns.services import (
    collaboration_accept,
    collaboration_apply,
    collaboration_invite,
    deliverable_review,
    deliverable_submit,
    draw_commit,
    draw_entries_upload,
    draw_run,
)
from campaigns.services.payments import ledger_payment_mark_sent
from campaigns.webhook_models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from campaigns.webhooks import (
    RETRY_SCHEDULE,
    retry_delay,
    webhook_attempt,
    webhook_endpoint_create,
    webhook_log_prune,
    webhook_redeliver,
    webhook_retry_sweep,
)
from influencers.kernel.errors import DomainError, NotAllowed
from influencers.models import AuditEvent, Notification
from influencers.taxonomy import ModerationStatus
from tests.factories import BrandMemberFactory, CampaignFactory, CollaborationFactory, InfluencerFactory
from tests.webhook_receiver import documented_verifier, receiving

pytestmark = pytest.mark.django_db

ALL_EVENTS = list(EventType.values)
PUBLIC_IP = "93.184.215.14"  # a global address (no DNS needed); never actually called in these tests


@pytest.fixture
def member():
    member = BrandMemberFactory()
    member.user.email = "brand@example.com"
    member.user.save()
    return member


@pytest.fixture
def creator():
    return InfluencerFactory()


def register(user, url: str, events=None, owner=None) -> tuple[WebhookEndpoint, str]:
    return webhook_endpoint_create(by=user, url=url, events=events or ALL_EVENTS, owner=owner)


def make_due(delivery: WebhookDelivery) -> None:
    """The clock moved on to the next attempt."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def invite(member, creator, capture) -> Collaboration:
    with capture(execute=True):
        return collaboration_invite(campaign=CampaignFactory(brand=member.brand), influencer=creator, by=member.user)


# --- signature -----------------------------------------------------------------------------------


def test_a_receiver_verifies_the_signature_with_the_documented_snippet(
    member, creator, django_capture_on_commit_callbacks
):
    verify = documented_verifier()
    with receiving(200) as receiver:
        endpoint, secret = register(member.user, receiver.url)
        collaboration = invite(member, creator, django_capture_on_commit_callbacks)
    [request] = receiver.received
    header = request.headers["Invloed-Signature"]
    assert verify(request.body, header, secret)
    # A wrong secret, a changed body, an old timestamp and a garbled header all fail.
    assert not verify(request.body, header, "whsec_wrong")
    assert not verify(request.body + b" ", header, secret)
    assert not verify(request.body, header, secret, now=time.time() + 301)
    assert not verify(request.body, "v1=abc", secret)
    payload = json.loads(request.body)
    event = WebhookEvent.objects.get()
    assert payload["id"] == request.headers["Invloed-Event-Id"] == event.event_id
    assert payload["type"] == request.headers["Invloed-Event-Type"] == "collaboration.invited"
    assert payload["data"]["collaboration"]["id"] == collaboration.pk
    assert payload["data"]["collaboration"]["creator"] == {"handle": creator.handle}
    assert request.headers["Invloed-Attempt"] == "1"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    [attempt] = delivery.attempt_log.all()
    assert (attempt.status_code, attempt.succeeded) == (200, True)
    assert '"received": true' in attempt.response_body


def test_the_signature_is_the_documented_hmac():
    body = b'{"id":"evt_1"}'
    expected = "t=1700000000,v1=" + __import__("hmac").new(b"whsec_x", b"1700000000." + body, "sha256").hexdigest()
    assert webhook_delivery.sign(secret="whsec_x", timestamp=1700000000, body=body) == expected


# --- retries and disabling ---------------------------------------------------------------------


def test_the_retry_schedule_spans_about_a_day():
    assert [retry_delay(n) for n in range(1, 10)] == [60, 300, 1800, 3600, 7200, 14400, 28800, 28800, None]
    total = dt.timedelta(seconds=sum(RETRY_SCHEDULE))
    assert dt.timedelta(hours=23) < total <= dt.timedelta(hours=24)


def test_a_500_is_retried_on_schedule_and_the_retry_succeeds(member, creator, django_capture_on_commit_callbacks):
    verify = documented_verifier()
    with receiving(500, 200) as receiver:
        endpoint, secret = register(member.user, receiver.url)
        invite(member, creator, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
        wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        assert 55 < wait <= 60  # the first retry after a minute
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None
        assert webhook_retry_sweep() == 0  # not due yet: nothing sent
        assert len(receiver.received) == 1
        make_due(delivery)
        assert webhook_retry_sweep() == 1
    first, second = receiver.received
    assert first.headers["Invloed-Event-Id"] == second.headers["Invloed-Event-Id"]
    assert second.headers["Invloed-Attempt"] == "2"
    assert verify(second.body, second.headers["Invloed-Signature"], secret)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)
    assert [a.status_code for a in delivery.attempt_log.order_by("number")] == [500, 200]
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None
    assert endpoint.is_active


def test_persistent_failure_disables_the_endpoint_and_notifies_the_owner(
    member, creator, django_capture_on_commit_callbacks
):
    teammate = BrandMemberFactory(brand=member.brand, role="member")
    with receiving(500) as receiver:
        endpoint, _secret = register(member.user, receiver.url)
        invite(member, creator, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        with django_capture_on_commit_callbacks(execute=True):  # the notification emails
            for _ in range(len(RETRY_SCHEDULE)):
                make_due(delivery)
                webhook_attempt(delivery_id=delivery.pk)
    assert len(receiver.received) == len(RETRY_SCHEDULE) + 1 == 9
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 9)
    assert delivery.next_attempt_at is None
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at is not None
    assert "HTTP 500" in endpoint.disabled_reason
    notified = Notification.objects.filter(verb="webhook.disabled")
    assert {n.user_id for n in notified} == {member.user_id, teammate.user_id}
    assert any("was turned off" in message.subject for message in mail.outbox)
    assert AuditEvent.objects.filter(action="webhook.disabled").count() == 1
    # A turned-off endpoint receives nothing more.
    with receiving(200) as later:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=later.url)
        with django_capture_on_commit_callbacks(execute=True):
            collaboration_invite(
                campaign=CampaignFactory(brand=member.brand), influencer=InfluencerFactory(), by=member.user
            )
    assert later.received == []


def test_a_success_in_between_keeps_the_endpoint_on(member, creator, django_capture_on_commit_callbacks):
    with receiving(500) as receiver:
        endpoint, _secret = register(member.user, receiver.url)
        invite(member, creator, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        for _ in range(len(RETRY_SCHEDULE) - 1):
            make_due(delivery)
            webhook_attempt(delivery_id=delivery.pk)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)  # another delivery got through
        make_due(delivery)
        webhook_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == "failed"
    assert endpoint.is_active  # the endpoint answered meanwhile: only this delivery gave up


def test_an_attempt_is_claimed_once(member, creator, django_capture_on_commit_callbacks):
    with receiving(500) as receiver:
        endpoint, _secret = register(member.user, receiver.url)
        invite(member, creator, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        make_due(delivery)
        assert webhook_attempt(delivery_id=delivery.pk) is not None
        assert webhook_attempt(delivery_id=delivery.pk) is None  # already attempted: not due again yet
    assert len(receiver.received) == 2


def test_redirects_are_not_followed(member, creator, django_capture_on_commit_callbacks):
    with receiving(302) as receiver:
        endpoint, _secret = register(member.user, receiver.url)
        invite(member, creator, django_capture_on_commit_callbacks)
    [attempt] = WebhookAttempt.objects.all()
    assert attempt.status_code == 302
    assert not attempt.succeeded
    assert "Redirects are not followed" in attempt.error
    assert WebhookDelivery.objects.get(endpoint=endpoint).status == "pending"


def test_manual_redelivery_sends_the_same_event_again(member, creator, django_capture_on_commit_callbacks):
    with receiving(200) as receiver:
        endpoint, _secret = register(member.user, receiver.url)
        invite(member, creator, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        with django_capture_on_commit_callbacks(execute=True):
            webhook_redeliver(delivery=delivery, by=member.user)
    first, again = receiver.received
    assert first.headers["Invloed-Event-Id"] == again.headers["Invloed-Event-Id"]
    assert first.body == again.body
    assert again.headers["Invloed-Attempt"] == "2"
    assert [a.manual for a in delivery.attempt_log.order_by("number")] == [False, True]


# --- events: each type, after commit only ------------------------------------------------------


def test_every_event_type_is_sent_once_its_action_commits(member, creator, django_capture_on_commit_callbacks):
    creator_endpoint_url = None
    with receiving(200) as brand_receiver, receiving(200) as creator_receiver:
        register(member.user, brand_receiver.url)
        _endpoint, _ = register(creator.user, creator_receiver.url)
        creator_endpoint_url = creator_receiver.url
        capture = django_capture_on_commit_callbacks
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        giveaway = CampaignFactory(
            brand=member.brand, giveaway=True, starts_on=yesterday - dt.timedelta(days=5), entry_end_date=yesterday
        )
        with capture(execute=True):
            invited = collaboration_invite(campaign=giveaway, influencer=creator, by=member.user)
        with capture(execute=True):
            invited = collaboration_accept(collaboration=invited, by=creator.user)
        other = CampaignFactory(brand=member.brand)
        with capture(execute=True):
            applied = collaboration_apply(campaign=other, influencer=creator, by=creator.user)
        with capture(execute=True):
            deliverable = deliverable_submit(
                collaboration=invited, by=creator.user, url="https://instagram.com/p/9", draft_text="#ad"
            )
        with capture(execute=True):
            deliverable_review(deliverable=deliverable, by=member.user, approve=True)
        payable = LedgerEntry.objects.filter(collaboration=invited, kind=LedgerEntry.Kind.PAYABLE).first()
        if payable is None:  # a giveaway without a fee owes nothing: use a paid collaboration's payable
            Collaboration.objects.filter(pk=applied.pk).update(agreed_fee=Decimal("100"))
            payable = LedgerEntry.objects.create(
                collaboration=applied,
                kind=LedgerEntry.Kind.PAYABLE,
                key="fee",
                amount_cents=10000,
                due_on=timezone.localdate(),
                party=LedgerEntry.Party.BRAND,
            )
        with capture(execute=True):
            ledger_payment_mark_sent(
                payable=payable, by=member.user, amount_cents=100, sent_on=timezone.localdate(), reference="R1"
            )
        draw = draw_entries_upload(collaboration=invited, by=member.user, entries_csv="handle\nann\nbob\ncid\n")
        draw = draw_commit(draw=draw, by=creator.user)
        with capture(execute=True):
            draw_run(draw=draw, by=member.user)
    assert creator_endpoint_url
    for receiver in (brand_receiver, creator_receiver):
        types = [r.headers["Invloed-Event-Type"] for r in receiver.received]
        assert sorted(types) == sorted(ALL_EVENTS), types
    by_type = {json.loads(r.body)["type"]: json.loads(r.body)["data"] for r in brand_receiver.received}
    assert by_type["deliverable.approved"]["deliverable"]["status"] == "approved"
    assert by_type["deliverable.submitted"]["collaboration"]["status"] == "content_submitted"
    assert by_type["payment.marked_sent"]["payment"]["reference"] == "R1"
    assert by_type["draw.completed"]["draw"]["winners"] == GiveawayDraw.objects.get().winners
    assert by_type["draw.completed"]["draw"]["verification_url"].endswith(f"/giveaways/draws/{draw.public_id}/")
    assert by_type["collaboration.accepted"]["collaboration"]["status"] == "accepted"


def test_a_rolled_back_action_records_and_sends_nothing(member, creator, django_capture_on_commit_callbacks):
    with receiving(200) as receiver:
        register(member.user, receiver.url)
        campaign = CampaignFactory(brand=member.brand)

        def failing_request() -> None:
            with transaction.atomic():
                collaboration_invite(campaign=campaign, influencer=creator, by=member.user)
                raise RuntimeError("the request failed after the invitation")

        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            failing_request()
    assert receiver.received == []
    assert callbacks == []
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_only_subscribed_event_types_are_sent(member, creator, django_capture_on_commit_callbacks):
    with receiving(200) as receiver:
        register(member.user, receiver.url, events=["deliverable.approved"])
        invite(member, creator, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert not WebhookEvent.objects.exists()


# --- moderation ----------------------------------------------------------------------------------


def test_a_suspended_owner_receives_nothing(member, creator, django_capture_on_commit_callbacks):
    with receiving(200) as brand_receiver, receiving(200) as creator_receiver:
        register(member.user, brand_receiver.url)
        register(creator.user, creator_receiver.url)
        collaboration = CollaborationFactory(
            campaign=CampaignFactory(brand=member.brand), influencer=creator, status=Collaboration.Status.ACCEPTED
        )
        collaboration.deliverables.create(title="Post")
        type(member.brand).objects.filter(pk=member.brand_id).update(status=ModerationStatus.SUSPENDED)
        with django_capture_on_commit_callbacks(execute=True):
            deliverable_submit(
                collaboration=collaboration, by=creator.user, url="https://instagram.com/p/1", draft_text="#ad"
            )
    assert brand_receiver.received == []
    assert [r.headers["Invloed-Event-Type"] for r in creator_receiver.received] == ["deliverable.submitted"]
    with pytest.raises(NotAllowed, match="suspended"):
        register(member.user, "http://127.0.0.1:9/x")


def test_a_delivery_due_after_the_owner_was_suspended_is_not_sent(member, creator, django_capture_on_commit_callbacks):
    with receiving(500) as receiver:
        endpoint, _secret = register(member.user, receiver.url)
        invite(member, creator, django_capture_on_commit_callbacks)
        type(member.brand).objects.filter(pk=member.brand_id).update(status=ModerationStatus.SUSPENDED)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        make_due(delivery)
        webhook_attempt(delivery_id=delivery.pk)
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.status == "skipped"
    assert "suspended" in delivery.note


# --- SSRF ----------------------------------------------------------------------------------------

REFUSED_URLS = [
    ("https://127.0.0.1/hooks", "loopback"),
    ("https://localhost:8443/hooks", "loopback"),
    ("https://[::1]/hooks", "loopback"),
    ("https://10.0.0.5/hooks", "private"),
    ("https://192.168.1.10/hooks", "private"),
    ("https://172.16.0.1/hooks", "private"),
    ("https://169.254.169.254/latest/meta-data", "link-local"),
    ("https://[fe80::1]/hooks", "link-local"),
    ("https://[::ffff:10.0.0.1]/hooks", "private"),
    ("https://100.64.0.1/hooks", "private or reserved"),
    ("https://224.0.0.1/hooks", "multicast"),
    ("https://0.0.0.0/hooks", "private or reserved"),
    (f"http://{PUBLIC_IP}/hooks", "https://"),
    ("ftp://example.com/hooks", "full address"),
    ("https://user:pw@93.184.215.14/hooks", "user name"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED_URLS)
def test_production_settings_refuse_internal_addresses_at_registration(settings, member, url, reason):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(DomainError, match=reason):
        register(member.user, url)
    assert not WebhookEndpoint.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="webhook.").exists()


def test_a_host_name_resolving_to_a_private_address_is_refused(settings, member, monkeypatch):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    monkeypatch.setattr(webhook_delivery, "resolve", lambda host, port: [PUBLIC_IP, "10.1.2.3"])
    with pytest.raises(DomainError, match=r"hooks\.example\.test resolves to 10\.1\.2\.3"):
        register(member.user, "https://hooks.example.test/in")
    monkeypatch.setattr(webhook_delivery, "resolve", lambda host, port: ["127.0.0.1"])
    with pytest.raises(DomainError, match="loopback"):
        register(member.user, "https://hooks.example.test/in")
    monkeypatch.setattr(webhook_delivery, "resolve", lambda host, port: [PUBLIC_IP])
    endpoint, _secret = register(member.user, "https://hooks.example.test/in")
    assert endpoint.url == "https://hooks.example.test/in"


def test_an_unresolvable_host_is_refused(member):
    with pytest.raises(DomainError, match="could not be resolved"):
        register(member.user, "https://no-such-host.invalid/hooks")


def test_the_address_is_checked_again_before_every_attempt(
    settings, member, creator, monkeypatch, django_capture_on_commit_callbacks
):
    """DNS rebinding: public at registration, private at delivery; loopback once the setting is off."""
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    monkeypatch.setattr(webhook_delivery, "resolve", lambda host, port: [PUBLIC_IP])
    endpoint, _secret = register(member.user, "https://hooks.example.test/in")
    monkeypatch.setattr(webhook_delivery, "resolve", lambda host, port: ["10.0.0.7"])
    invite(member, creator, django_capture_on_commit_callbacks)
    [attempt] = WebhookAttempt.objects.filter(delivery__endpoint=endpoint)
    assert attempt.status_code is None
    assert not attempt.succeeded
    assert "resolves to 10.0.0.7" in attempt.error
    # A real receiver on loopback, registered while loopback was allowed, gets nothing once it is not.
    monkeypatch.undo()
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with receiving(200) as receiver:
        local, _secret = register(member.user, receiver.url)
        settings.WEBHOOK_ALLOW_LOOPBACK = False
        invite(member, InfluencerFactory(), django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert "loopback" in WebhookAttempt.objects.get(delivery__endpoint=local).error


def test_resolve_checks_every_address_of_a_host():
    assert webhook_delivery.address_refusal("8.8.8.8") is None
    assert webhook_delivery.address_refusal("::ffff:192.168.0.1")
    assert webhook_delivery.address_refusal("fd00::1")


# --- secrets, validation, isolation (API) --------------------------------------------------------


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_secret_is_shown_once_and_rotation_changes_the_signature(
    member, creator, django_capture_on_commit_callbacks
):
    verify = documented_verifier()
    client = api_client(member.user)
    with receiving(200) as receiver:
        response = client.post(
            "/api/v1/webhooks/", {"url": receiver.url, "events": ["collaboration.invited"]}, format="json"
        )
        assert response.status_code == 201, response.content
        secret = response.json()["secret"]
        assert secret.startswith("whsec_")
        endpoint_id = response.json()["id"]
        for url in (
            "/api/v1/webhooks/",
            f"/api/v1/webhooks/{endpoint_id}/",
            f"/api/v1/webhooks/{endpoint_id}/deliveries/",
        ):
            assert secret not in client.get(url).content.decode()
        rotated = client.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret/").json()["secret"]
        assert rotated != secret
        invite(member, creator, django_capture_on_commit_callbacks)
    [request] = receiver.received
    assert verify(request.body, request.headers["Invloed-Signature"], rotated)
    assert not verify(request.body, request.headers["Invloed-Signature"], secret)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "not a url", "events": ["collaboration.invited"]}, "url"),
        ({"url": "https://10.0.0.1/x", "events": ["collaboration.invited"]}, "url"),
        ({"url": "http://127.0.0.1:9/x", "events": []}, "events"),
        ({"url": "http://127.0.0.1:9/x", "events": ["nope"]}, "events"),
        ({"url": "http://127.0.0.1:9/x", "events": ["collaboration.invited"], "owner": "creator"}, "owner"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(member, body, field):
    response = api_client(member.user).post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_at_most_ten_endpoints_per_owner(member):
    for n in range(WebhookEndpoint.MAX_PER_OWNER):
        register(member.user, f"http://127.0.0.1:9/{n}")
    with pytest.raises(DomainError, match="At most 10"):
        register(member.user, "http://127.0.0.1:9/11")


def test_another_brand_can_neither_see_nor_redeliver(member, creator, django_capture_on_commit_callbacks):
    with receiving(200) as receiver:
        endpoint, _secret = register(member.user, receiver.url)
        invite(member, creator, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    other = api_client(BrandMemberFactory().user)
    assert other.get("/api/v1/webhooks/").json()["results"] == []
    assert other.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").status_code == 404
    assert other.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/").status_code == 404
    assert api_client(creator.user).get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    # A teammate of the same brand manages it.
    teammate = api_client(BrandMemberFactory(brand=member.brand, role="member").user)
    assert teammate.get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 200
    assert len(receiver.received) == 1


@pytest.mark.parametrize("count", [2, 12])
def test_the_delivery_log_runs_a_fixed_number_of_queries(member, django_assert_num_queries, count):
    endpoint, _secret = register(member.user, "http://127.0.0.1:9/x")
    for n in range(count):
        event = WebhookEvent.objects.create(type="collaboration.invited", data={"n": n})
        delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=timezone.now())
        WebhookAttempt.objects.create(
            delivery=delivery, number=1, started_at=timezone.now(), duration_ms=3, status_code=500, succeeded=False
        )
    client = api_client(member.user)
    # the user (force_authenticate), the actor, the endpoint, the page of deliveries with events, their attempts
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/?page_size=20")
    assert len(response.json()["results"]) == count
    assert response.json()["results"][0]["attempt_log"][0]["status_code"] == 500


# --- pages ---------------------------------------------------------------------------------------


def test_the_pages_register_show_the_secret_once_and_redeliver(
    client, member, creator, django_capture_on_commit_callbacks
):
    client.force_login(member.user)
    with receiving(200) as receiver:
        response = client.post(
            reverse("webhooks:list"), {"url": receiver.url, "events": ["collaboration.invited"], "description": "CRM"}
        )
        assert response.status_code == 200
        endpoint = WebhookEndpoint.objects.get()
        assert endpoint.secret in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
        assert endpoint.secret not in page
        assert endpoint.secret not in client.get(reverse("webhooks:list")).content.decode()
        invite(member, creator, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
        assert "HTTP 200" in page
        assert delivery.event.event_id in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("webhooks:redeliver", args=[endpoint.pk, delivery.pk]))
        assert len(receiver.received) == 2
        # Turning it off from the page
        response = client.post(
            reverse("webhooks:detail", args=[endpoint.pk]),
            {"url": receiver.url, "events": ["collaboration.invited"], "description": ""},
        )
        assert response.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active


def test_a_bad_address_on_the_page_is_explained_and_writes_nothing(client, member, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    client.force_login(member.user)
    response = client.post(reverse("webhooks:list"), {"url": "https://127.0.0.1/x", "events": ["draw.completed"]})
    assert response.status_code == 400
    assert "loopback" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_log_keeps_30_days_and_never_drops_a_pending_delivery(member):
    endpoint, _secret = register(member.user, "http://127.0.0.1:9/x")
    old = timezone.now() - dt.timedelta(days=31)
    finished = WebhookEvent.objects.create(type="collaboration.invited", data={})
    pending = WebhookEvent.objects.create(type="collaboration.invited", data={})
    recent = WebhookEvent.objects.create(type="collaboration.invited", data={})
    WebhookEvent.objects.filter(pk__in=[finished.pk, pending.pk]).update(created_at=old)
    WebhookDelivery.objects.create(event=finished, endpoint=endpoint, status="succeeded")
    WebhookDelivery.objects.create(event=pending, endpoint=endpoint, next_attempt_at=timezone.now())
    WebhookDelivery.objects.create(event=recent, endpoint=endpoint, status="failed")
    webhook_log_prune()
    assert set(WebhookEvent.objects.values_list("pk", flat=True)) == {pending.pk, recent.pk}


def test_a_delivery_whose_queue_message_was_lost_is_sent_by_the_sweep(member, creator):
    """The action committed but its on-commit publish never ran (broker down): the sweep sends it."""
    with receiving(200) as receiver:
        register(member.user, receiver.url)
        collaboration_invite(campaign=CampaignFactory(brand=member.brand), influencer=creator, by=member.user)
        assert receiver.received == []  # the on-commit callbacks of this test transaction never run
        assert webhook_retry_sweep() == 1
    assert [r.headers["Invloed-Event-Type"] for r in receiver.received] == ["collaboration.invited"]
