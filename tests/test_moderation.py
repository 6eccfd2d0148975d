"""Moderation in the admin: queues, bulk decisions with a reason, decisions from the change page,
the audit trail they leave and the notices the owners get."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import models
from django.test import Client
from django.urls import reverse

from brands.models import Brand
from campaigns.models import Campaign
from influencers.kernel import admin_base
from influencers.models import AuditEvent, Influencer, Notification
from influencers.taxonomy import ModerationStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

PENDING = ModerationStatus.PENDING


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def moderator() -> Any:
    return f.StaffFactory(username="moderator")


@pytest.fixture
def staff_client(client: Client, moderator: Any) -> Client:
    client.force_login(moderator)
    return client


def admin_url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def bulk_action(
    client: Client, model: type[models.Model], action: str, objects: list[models.Model], **extra: str
) -> Any:
    """POST the changelist's action form, as the "Go" button does (extra: the confirmation page's fields)."""
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    if not extra:
        data["index"] = "0"
    return client.post(admin_url(model, "changelist"), data)


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the queue -----------------------------------------------------------------------------------
def test_admin_index_shows_pending_counts_linking_to_each_queue(staff_client: Client) -> None:
    f.InfluencerFactory.create_batch(3, status=PENDING)
    f.InfluencerFactory()  # approved: not in the queue
    f.BrandFactory(status=PENDING)

    response = staff_client.get(reverse("admin:index"))

    queues = {queue["name"]: queue for queue in response.context["queues"]}
    assert queues["Influencers"]["pending"] == 3
    assert queues["Brands"]["pending"] == 1
    assert queues["Campaigns"]["pending"] == 0
    content = response.content.decode()
    assert f"{admin_url(Influencer, 'changelist')}?status__exact=pending" in content
    assert f"{admin_url(Campaign, 'changelist')}?moderation_status__exact=pending" in content
    assert "3 pending" in content


def test_queue_lists_only_pending_items_oldest_first(staff_client: Client) -> None:
    older, newer = f.InfluencerFactory(status=PENDING, handle="zz.older"), f.InfluencerFactory(status=PENDING)
    f.InfluencerFactory()
    Influencer.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))

    response = staff_client.get(admin_url(Influencer, "changelist"), {"status__exact": "pending"})

    assert list(response.context["cl"].result_list) == [older, newer]


# --- bulk actions with a reason ----------------------------------------------------------------------
def test_bulk_action_first_asks_for_the_reason(staff_client: Client) -> None:
    pending = f.InfluencerFactory.create_batch(2, status=PENDING)

    response = bulk_action(staff_client, Influencer, "reject_selected", pending)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/moderation_confirm.html"
    content = response.content.decode()
    assert 'name="moderation-reason"' in content
    for influencer in pending:
        assert f"@{influencer.handle}" in content
    assert not AuditEvent.objects.exists()
    assert set(Influencer.objects.values_list("status", flat=True)) == {PENDING}


def test_bulk_approve_with_a_note_approves_audits_and_notifies(
    staff_client: Client, moderator: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    pending = f.InfluencerFactory.create_batch(2, status=PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        response = bulk_action(
            staff_client, Influencer, "approve_selected", pending, confirm="yes", **{"moderation-reason": "Checked"}
        )

    assert response.status_code == 302
    assert response["Location"] == admin_url(Influencer, "changelist")
    assert "2 influencers are now approved; the owners were notified." in messages_of(response)
    for influencer in pending:
        influencer.refresh_from_db()
        assert influencer.status == ModerationStatus.APPROVED
        assert influencer.status_reason == "Checked"
        event = AuditEvent.objects.get(object_id=str(influencer.pk))
        assert (event.action, event.actor, event.reason) == ("moderation.approve", moderator, "Checked")
        assert event.data == {"from": "pending", "to": "approved"}
        notice = Notification.objects.get(user=influencer.user)
        assert "approved" in notice.message
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(i.user.email for i in pending)


def test_bulk_approve_needs_no_reason(staff_client: Client) -> None:
    influencer = f.InfluencerFactory(status=PENDING)

    bulk_action(staff_client, Influencer, "approve_selected", [influencer], confirm="yes", **{"moderation-reason": ""})

    influencer.refresh_from_db()
    assert influencer.status == ModerationStatus.APPROVED
    assert AuditEvent.objects.get().reason == ""


@pytest.mark.parametrize("action", ["reject_selected", "suspend_selected"])
def test_bulk_reject_or_suspend_without_reason_writes_nothing_and_says_why(staff_client: Client, action: str) -> None:
    influencers = f.InfluencerFactory.create_batch(2, status=PENDING)

    response = bulk_action(staff_client, Influencer, action, influencers, confirm="yes", **{"moderation-reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Give a reason: the owner sees it and needs to know what to fix."
    ]
    assert "Nothing was changed" in response.content.decode()
    assert set(Influencer.objects.values_list("status", flat=True)) == {PENDING}
    assert not AuditEvent.objects.exists()
    assert not Notification.objects.exists()


def test_bulk_decision_leaves_items_already_in_that_status_alone(staff_client: Client) -> None:
    pending, approved = f.InfluencerFactory(status=PENDING), f.InfluencerFactory()

    response = bulk_action(
        staff_client, Influencer, "approve_selected", [pending, approved], confirm="yes", **{"moderation-reason": ""}
    )

    assert AuditEvent.objects.get().object_id == str(pending.pk)
    assert "1 was already approved and was left as it was." in messages_of(response)


def test_bulk_decision_refuses_too_large_a_selection(staff_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin_base, "BULK_MODERATION_LIMIT", 1)
    influencers = f.InfluencerFactory.create_batch(2, status=PENDING)

    response = bulk_action(
        staff_client, Influencer, "reject_selected", influencers, confirm="yes", **{"moderation-reason": "Spam"}
    )

    assert response.status_code == 302
    assert any("Select at most 1 items" in message for message in messages_of(response))
    assert not AuditEvent.objects.exists()


def test_bulk_suspend_brands_notifies_their_owners(staff_client: Client, moderator: Any) -> None:
    owner = f.BrandMemberFactory(brand__status=ModerationStatus.APPROVED)
    member = f.BrandMemberFactory(brand=owner.brand, role="member")

    bulk_action(
        staff_client, Brand, "suspend_selected", [owner.brand], confirm="yes", **{"moderation-reason": "Unpaid fees"}
    )

    owner.brand.refresh_from_db()
    assert (owner.brand.status, owner.brand.status_reason) == (ModerationStatus.SUSPENDED, "Unpaid fees")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_repr) == ("moderation.suspend", moderator, owner.brand.name)
    assert Notification.objects.filter(user=owner.user, message__contains="Unpaid fees").exists()
    assert not Notification.objects.filter(user=member.user).exists()


def test_bulk_reject_campaigns_sets_moderation_status_and_notifies_the_brand(staff_client: Client) -> None:
    campaign = f.CampaignFactory(moderation_status=PENDING)
    member = f.BrandMemberFactory(brand=campaign.brand)

    bulk_action(
        staff_client, Campaign, "reject_selected", [campaign], confirm="yes", **{"moderation-reason": "Misleading"}
    )

    campaign.refresh_from_db()
    assert (campaign.moderation_status, campaign.moderation_reason) == (ModerationStatus.REJECTED, "Misleading")
    assert campaign.status == Campaign.Status.OPEN  # the brand's own status is not touched
    assert AuditEvent.objects.get().reason == "Misleading"
    assert Notification.objects.filter(user=member.user, message__contains="Misleading").exists()


# --- from the change page ------------------------------------------------------------------------------
def test_change_page_offers_the_decisions_that_change_something(staff_client: Client) -> None:
    influencer = f.InfluencerFactory(status=PENDING)
    panel = staff_client.get(admin_url(Influencer, "change", influencer.pk)).context["moderation"]
    assert [decision for decision, _label in panel["decisions"]] == ["approve", "reject", "suspend"]
    assert panel["url"] == admin_url(Influencer, "moderate", influencer.pk)

    approved = f.InfluencerFactory()
    panel = staff_client.get(admin_url(Influencer, "change", approved.pk)).context["moderation"]
    assert [decision for decision, _label in panel["decisions"]] == ["reject", "suspend"]


def test_approve_a_pending_influencer_with_a_reason_from_its_change_page(staff_client: Client, moderator: Any) -> None:
    influencer = f.InfluencerFactory(status=PENDING)
    change_url = admin_url(Influencer, "change", influencer.pk)

    response = staff_client.post(
        admin_url(Influencer, "moderate", influencer.pk),
        {"moderation-decision": "approve", "moderation-reason": "Accounts verified by video call"},
    )

    assert response.status_code == 302
    assert response["Location"] == change_url
    influencer.refresh_from_db()
    assert influencer.status == ModerationStatus.APPROVED
    assert influencer.moderated_at is not None
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.reason) == (
        moderator,
        "moderation.approve",
        "Accounts verified by video call",
    )
    assert Notification.objects.get(user=influencer.user).verb == "moderation.approve"

    page = staff_client.get(change_url)
    assert page.context["moderation"]["history"] == [event]
    assert "Accounts verified by video call" in page.content.decode()


def test_reject_from_the_change_page_without_reason_shows_the_error_and_writes_nothing(staff_client: Client) -> None:
    influencer = f.InfluencerFactory(status=PENDING)

    response = staff_client.post(
        admin_url(Influencer, "moderate", influencer.pk), {"moderation-decision": "reject", "moderation-reason": ""}
    )

    assert response.status_code == 200
    assert response.context["decision"] == "reject"
    assert "Give a reason: the owner sees it and needs to know what to fix." in response.content.decode()
    influencer.refresh_from_db()
    assert influencer.status == PENDING
    assert not AuditEvent.objects.exists()
    assert not Notification.objects.exists()


def test_suspend_a_campaign_from_its_change_page(staff_client: Client) -> None:
    campaign = f.CampaignFactory()
    url = admin_url(Campaign, "moderate", campaign.pk)

    confirm = staff_client.get(url, {"decision": "suspend"})
    assert confirm.status_code == 200
    assert confirm.context["reason_required"] is True

    staff_client.post(url, {"moderation-decision": "suspend", "moderation-reason": "Reported as a scam"})

    campaign.refresh_from_db()
    assert campaign.moderation_status == ModerationStatus.SUSPENDED
    assert AuditEvent.objects.get().reason == "Reported as a scam"


def test_unknown_decision_changes_nothing(staff_client: Client) -> None:
    influencer = f.InfluencerFactory(status=PENDING)

    response = staff_client.post(
        admin_url(Influencer, "moderate", influencer.pk), {"moderation-decision": "delete", "moderation-reason": "x"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    influencer.refresh_from_db()
    assert influencer.status == PENDING
    assert not AuditEvent.objects.exists()


def test_audit_trail_link_lists_only_that_objects_events(staff_client: Client) -> None:
    influencer, other = f.InfluencerFactory(), f.InfluencerFactory()
    mine = f.AuditEventFactory(target_object=influencer)
    f.AuditEventFactory(target_object=other)

    url = admin_base.audit_trail_url(influencer)
    assert url in staff_client.get(admin_url(Influencer, "change", influencer.pk)).content.decode().replace(
        "&amp;", "&"
    )
    response = staff_client.get(url)

    assert list(response.context["cl"].result_list) == [mine]


# --- who may moderate ------------------------------------------------------------------------------------
def test_staff_who_may_only_view_cannot_moderate(client: Client) -> None:
    viewer = f.UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_influencer"))
    client.force_login(viewer)
    influencer = f.InfluencerFactory(status=PENDING)

    page = client.get(admin_url(Influencer, "change", influencer.pk))
    assert page.status_code == 200
    assert page.context["moderation"]["can_moderate"] is False
    response = client.post(
        admin_url(Influencer, "moderate", influencer.pk), {"moderation-decision": "approve", "moderation-reason": ""}
    )
    assert response.status_code == 403
    changelist = client.get(admin_url(Influencer, "changelist"))
    assert "approve_selected" not in changelist.content.decode()
    influencer.refresh_from_db()
    assert influencer.status == PENDING


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "non-staff user"])
def test_non_staff_are_redirected_to_the_admin_login_and_change_nothing(client: Client, logged_in: bool) -> None:
    if logged_in:
        client.force_login(f.UserFactory())
    influencer = f.InfluencerFactory(status=PENDING)

    for response in (
        client.get(admin_url(Influencer, "changelist")),
        client.post(
            admin_url(Influencer, "moderate", influencer.pk),
            {"moderation-decision": "approve", "moderation-reason": ""},
        ),
        bulk_action(client, Influencer, "approve_selected", [influencer], confirm="yes"),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    influencer.refresh_from_db()
    assert influencer.status == PENDING
    assert not AuditEvent.objects.exists()
