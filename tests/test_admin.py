"""The Django admin: every page answers for staff, changelists run a fixed number of queries,
and what the engines and the services own cannot be edited here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from brands.accounts.api_tokens import api_token_issue
from brands.models import (
    ApiToken,
    Brand,
    BrandInvitation,
    BrandMember,
    EmailConfirmation,
    SavedSearch,
    Shortlist,
    ShortlistEntry,
)
from campaigns.draws import GiveawayDraw
from campaigns.matching.store import feature_store_build
from campaigns.models import (
    BrandPaymentTerms,
    Campaign,
    Collaboration,
    CollaborationMessage,
    Deliverable,
    FeatureStore,
    FeatureStoreColumn,
    LedgerEntry,
    Match,
    Review,
)
from campaigns.webhook_models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from influencers.models import (
    Audience,
    AudienceCountry,
    AuditEvent,
    EngineRun,
    FeatureChange,
    FollowerSketch,
    FollowerSnapshot,
    Influencer,
    Niche,
    Notification,
    Offer,
    Post,
    SocialAccount,
)
from influencers.search_row import SearchRow
from tests import factories as f

pytestmark = pytest.mark.django_db


def _follower_sketch() -> FollowerSketch:
    account = f.SocialAccountFactory(followers=1_000)
    return FollowerSketch.objects.create(
        account=account, level=0, sample_size=10, followers=1_000, sketch=b"x", imported_at=timezone.now()
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Every factory user hashes a password; the default hasher would dominate these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(f.StaffFactory())
    return client


def admin_url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@dataclass(frozen=True)
class AdminCase:
    model: type[models.Model]
    make: Callable[[], models.Model]
    # Every changelist: session + user (2), then the filtered COUNT and the page of rows (2).
    # Extra per case: the total COUNT unless show_full_result_count=False (+1), a list_filter that
    # reads the database (+1 each), date_hierarchy (+2: the date range, then the distinct dates).
    queries: int
    can_add: bool = True

    def __str__(self) -> str:
        return self.model._meta.label


_niche_numbers = iter(range(1_000_000))

CASES = [
    # + niches filter; no total count.
    AdminCase(Influencer, lambda: f.SocialAccountFactory().influencer, queries=5),
    AdminCase(SocialAccount, lambda: f.SocialAccountFactory(), queries=4),
    AdminCase(Post, lambda: f.PostFactory(), queries=4),
    AdminCase(FollowerSnapshot, lambda: f.FollowerSnapshotFactory(), queries=4),
    AdminCase(Audience, lambda: f.AudienceFactory(), queries=5),  # + total count
    AdminCase(Offer, lambda: f.OfferFactory(), queries=5),  # + total count
    AdminCase(Niche, lambda: f.niche(f"extra-{next(_niche_numbers)}"), queries=5),  # + total count
    # + total count, + date hierarchy.
    AdminCase(EngineRun, lambda: f.EngineRunFactory(triggered_by=f.UserFactory()), queries=7, can_add=False),
    # + content types filter, + actions filter, + date hierarchy; no total count.
    AdminCase(AuditEvent, lambda: f.AuditEventFactory(), queries=8, can_add=False),
    AdminCase(Notification, lambda: f.NotificationFactory(), queries=5, can_add=False),  # + verbs filter
    # + niches filter, + total count, + date hierarchy.
    AdminCase(Brand, lambda: f.BrandMemberFactory().brand, queries=8),
    AdminCase(BrandMember, lambda: f.BrandMemberFactory(), queries=5),
    AdminCase(BrandInvitation, lambda: f.BrandInvitationFactory(invited_by=f.UserFactory()), queries=7, can_add=False),
    AdminCase(Shortlist, lambda: f.ShortlistEntryFactory().shortlist, queries=5),
    # + total count, + date hierarchy.
    AdminCase(ApiToken, lambda: api_token_issue(user=f.UserFactory()).token, queries=7, can_add=False),
    AdminCase(EmailConfirmation, lambda: f.EmailConfirmationFactory(), queries=5, can_add=False),  # + total count
    AdminCase(ShortlistEntry, lambda: f.ShortlistEntryFactory(added_by=f.UserFactory()), queries=5),
    AdminCase(SavedSearch, lambda: f.SavedSearchFactory(created_by=f.UserFactory()), queries=5, can_add=False),
    AdminCase(Campaign, lambda: f.CollaborationFactory().campaign, queries=7),  # + total count, + date hierarchy
    AdminCase(Collaboration, lambda: f.CollaborationFactory(), queries=7, can_add=False),
    AdminCase(CollaborationMessage, lambda: f.CollaborationMessageFactory(), queries=7, can_add=False),
    AdminCase(Deliverable, lambda: f.DeliverableFactory(), queries=5),
    AdminCase(FeatureChange, lambda: FeatureChange.objects.create(influencer_ids=[1]), queries=5, can_add=False),
    AdminCase(FollowerSketch, lambda: _follower_sketch(), queries=5, can_add=False),
    AdminCase(FeatureStore, lambda: feature_store_build(force=True), queries=5, can_add=False),
    AdminCase(Match, lambda: f.MatchFactory(), queries=4, can_add=False),
    # + kind filter; no total count.
    AdminCase(LedgerEntry, lambda: f.LedgerEntryFactory(), queries=4, can_add=False),
    AdminCase(
        BrandPaymentTerms, lambda: BrandPaymentTerms.objects.create(brand=f.BrandFactory()), queries=5, can_add=False
    ),
    AdminCase(Review, lambda: f.ReviewFactory(), queries=4, can_add=False),
    AdminCase(GiveawayDraw, lambda: f.GiveawayDrawFactory(), queries=5, can_add=False),  # + total count
    # Webhooks: read-only; + a filter each (is_active, status, type, succeeded), no total count.
    AdminCase(WebhookEndpoint, lambda: f.WebhookEndpointFactory(), queries=4, can_add=False),
    AdminCase(WebhookDelivery, lambda: f.WebhookDeliveryFactory(), queries=4, can_add=False),
    AdminCase(WebhookEvent, lambda: f.WebhookEventFactory(), queries=4, can_add=False),
    AdminCase(WebhookAttempt, lambda: f.WebhookAttemptFactory(), queries=4, can_add=False),
]


def test_the_webhook_admin_never_shows_the_signing_secret(staff_client: Client) -> None:
    attempt = f.WebhookAttemptFactory(response_body="pong")
    endpoint = attempt.delivery.endpoint
    page = staff_client.get(admin_url(WebhookEndpoint, "change", endpoint.pk)).content.decode()
    assert endpoint.url in page
    assert endpoint.secret not in page
    delivery_page = staff_client.get(admin_url(WebhookDelivery, "change", attempt.delivery_id)).content.decode()
    assert "pong" in delivery_page  # the attempts with their answers, inline


def test_every_model_of_the_three_apps_is_registered() -> None:
    models_of_the_apps = {
        model for label in ("influencers", "brands", "campaigns") for model in apps.get_app_config(label).get_models()
    }
    inline_only = {AudienceCountry, FeatureStoreColumn}  # shown on their audience's / store's page
    # The discovery search table is derived from the other tables by the database (PostgreSQL only): a
    # moderator changes its sources, never the row.
    models_of_the_apps -= {SearchRow}
    assert {
        model for model in models_of_the_apps if admin.site.is_registered(model)
    } == models_of_the_apps - inline_only
    assert {case.model for case in CASES} == models_of_the_apps - inline_only


@pytest.mark.parametrize("case", CASES, ids=str)
def test_changelist_runs_the_same_queries_for_2_and_20_rows(
    case: AdminCase, staff_client: Client, django_assert_num_queries: Any
) -> None:
    url = admin_url(case.model, "changelist")
    rows = [case.make() for _ in range(2)]
    staff_client.get(url)  # warm per-process caches (content types) so both counts compare like for like
    for total in (2, 20):
        rows += [case.make() for _ in range(total - len(rows))]
        expected_rows = case.model._default_manager.count()
        with django_assert_num_queries(case.queries):
            response = staff_client.get(url)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == expected_rows


@pytest.mark.parametrize("case", CASES, ids=str)
def test_change_page_answers_for_staff(case: AdminCase, staff_client: Client) -> None:
    obj = case.make()
    response = staff_client.get(admin_url(case.model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"] == obj


@pytest.mark.parametrize("case", CASES, ids=str)
def test_add_page_answers_for_staff_where_adding_is_allowed(case: AdminCase, staff_client: Client) -> None:
    response = staff_client.get(admin_url(case.model, "add"))
    assert response.status_code == (200 if case.can_add else 403)


def test_changelist_search_and_autocomplete_find_an_influencer(staff_client: Client) -> None:
    wanted = f.InfluencerFactory(handle="lotte.bakes", display_name="Lotte")
    f.InfluencerFactory(handle="someone.else")
    response = staff_client.get(admin_url(Influencer, "changelist"), {"q": "lotte"})
    assert list(response.context["cl"].result_list) == [wanted]

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "lotte", "app_label": "influencers", "model_name": "socialaccount", "field_name": "influencer"},
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(wanted.pk)]


# --- what the admin must not edit -------------------------------------------------------------------
DERIVED_INFLUENCER_FIELDS = {
    "total_followers",
    "engagement_rate",
    "er_sample_size",
    "tier",
    "credibility_score",
    "credibility_reasons",
    "follower_growth_30d",
    "metrics_updated_at",
    "status",
    "status_reason",
    "moderated_at",
}


def _post_data_from_change_page(response: Any) -> dict[str, Any]:
    """What a browser submits when the moderator presses Save on an unchanged change page."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or (not value and not isinstance(value, int)):
                continue  # what a browser leaves out: empty inputs, unticked boxes, no file
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def test_saving_an_influencer_keeps_engine_metrics_and_moderation_status(staff_client: Client) -> None:
    influencer = f.InfluencerFactory(status="pending", niches=["fashion"])
    f.SocialAccountFactory(influencer=influencer)
    f.OfferFactory(influencer=influencer)
    f.AudienceFactory(influencer=influencer)
    Influencer.objects.filter(pk=influencer.pk).update(
        total_followers=12_000, engagement_rate=0.0412, tier="micro", credibility_score=88
    )
    url = admin_url(Influencer, "change", influencer.pk)
    page = staff_client.get(url)
    assert DERIVED_INFLUENCER_FIELDS.isdisjoint(page.context["adminform"].form.fields)
    assert "4.12 %" in page.content.decode()

    data = _post_data_from_change_page(page)
    data |= {"display_name": "Renamed", "total_followers": "1", "tier": "mega", "status": "approved"}
    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    influencer.refresh_from_db()
    assert influencer.display_name == "Renamed"
    assert (influencer.total_followers, influencer.tier, influencer.status) == (12_000, "micro", "pending")
    assert not AuditEvent.objects.exists()


def test_account_metrics_and_match_scores_are_read_only(staff_client: Client) -> None:
    account = f.SocialAccountFactory()
    form_fields = set(staff_client.get(admin_url(SocialAccount, "change", account.pk)).context["adminform"].form.fields)
    assert form_fields == {"platform", "handle", "url", "followers"}  # the owner is read-only too

    match = f.MatchFactory()
    response = staff_client.get(admin_url(Match, "change", match.pk))
    assert response.context["adminform"].form.fields == {}
    assert staff_client.post(admin_url(Match, "change", match.pk), {"score": "1"}).status_code == 403


def test_collaboration_status_is_shown_but_not_editable(staff_client: Client) -> None:
    collaboration = f.CollaborationFactory(status="invited")
    url = admin_url(Collaboration, "change", collaboration.pk)
    response = staff_client.get(url)
    assert "status" not in response.context["adminform"].form.fields
    assert "Invited" in response.content.decode()

    data = _post_data_from_change_page(response) | {"status": "completed"}
    assert staff_client.post(url, data).status_code == 302
    collaboration.refresh_from_db()
    assert collaboration.status == "invited"


def test_audit_events_cannot_be_added_changed_or_deleted(staff_client: Client) -> None:
    event = f.AuditEventFactory(reason="Looks genuine")
    assert staff_client.get(admin_url(AuditEvent, "add")).status_code == 403
    assert staff_client.post(admin_url(AuditEvent, "change", event.pk), {"reason": "edited"}).status_code == 403
    assert staff_client.post(admin_url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason == "Looks genuine"


def test_engine_run_list_shows_progress_duration_rows_and_error(staff_client: Client) -> None:
    run = f.EngineRunFactory(
        kind=EngineRun.Kind.METRICS_FULL,
        status=EngineRun.Status.FAILED,
        total_chunks=4,
        done_chunks=3,
        rows_touched=12_345,
        error="Database went away\nTraceback …",
    )
    EngineRun.objects.filter(pk=run.pk).update(
        started_at=run.created_at, finished_at=run.created_at + dt.timedelta(seconds=95)
    )
    content = staff_client.get(admin_url(EngineRun, "changelist")).content.decode()
    for shown in ("75% (3/4)", "1 min 35 s", "12345", "Database went away", "Metrics — full"):
        assert shown in content


def test_non_staff_users_are_sent_to_the_admin_login(client: Client) -> None:
    url = admin_url(Influencer, "changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    client.force_login(f.UserFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
