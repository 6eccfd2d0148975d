"""Typed factories for every model. Defaults build a valid, approved, visible row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from brands.models import (
    Brand,
    BrandInvitation,
    BrandMember,
    EmailConfirmation,
    SavedSearch,
    Shortlist,
    ShortlistEntry,
)
from campaigns.draw_algorithm import entry_list_sha256, entry_list_text, sha256_hex
from campaigns.draws import GiveawayDraw
from campaigns.models import Campaign, Collaboration, CollaborationMessage, Deliverable, LedgerEntry, Match, Review
from campaigns.webhook_models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from influencers.models import (
    Audience,
    AudienceCountry,
    AuditEvent,
    EngineRun,
    FollowerSnapshot,
    Influencer,
    Niche,
    Notification,
    Offer,
    Post,
    SocialAccount,
)
from influencers.taxonomy import ModerationStatus, Platform, WorkKind

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


def niche(slug: str) -> Niche:
    """A seeded niche (the data migration creates the taxonomy)."""
    return Niche.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]


class InfluencerFactory(DjangoModelFactory):
    class Meta:
        model = Influencer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    handle = factory.Sequence(lambda n: f"creator{n}")
    display_name = factory.Faker("name")
    bio = factory.Faker("sentence")
    country = "NL"
    city = "Utrecht"
    languages = factory.LazyFunction(lambda: ["nl", "en"])
    status = ModerationStatus.APPROVED

    @factory.post_generation
    def niches(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        if create and extracted:
            self.niches.set([niche(slug) for slug in extracted])


class SocialAccountFactory(DjangoModelFactory):
    class Meta:
        model = SocialAccount

    influencer = factory.SubFactory(InfluencerFactory)
    platform = Platform.INSTAGRAM
    handle = factory.Sequence(lambda n: f"account{n}")
    url = factory.LazyAttribute(lambda a: f"https://www.instagram.com/{a.handle}/")
    followers = 10_000


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    account = factory.SubFactory(SocialAccountFactory)
    external_id = factory.Sequence(lambda n: f"post{n}")
    posted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    likes = 300
    comments = 20


class FollowerSnapshotFactory(DjangoModelFactory):
    class Meta:
        model = FollowerSnapshot

    account = factory.SubFactory(SocialAccountFactory)
    date = factory.LazyFunction(lambda: timezone.localdate())
    followers = 10_000


class AudienceFactory(DjangoModelFactory):
    class Meta:
        model = Audience
        skip_postgeneration_save = True

    influencer = factory.SubFactory(InfluencerFactory)
    age_13_17 = 0.05
    age_18_24 = 0.35
    age_25_34 = 0.35
    age_35_44 = 0.15
    age_45_54 = 0.07
    age_55_plus = 0.03
    gender_female = 0.6
    gender_male = 0.38
    gender_other = 0.02
    language_shares = factory.LazyFunction(lambda: {"nl": 0.7, "en": 0.3})
    as_of = factory.LazyFunction(lambda: timezone.localdate())

    @factory.post_generation
    def countries(self, create: bool, extracted: dict[str, float] | None, **kwargs) -> None:
        if create:
            for code, share in (extracted if extracted is not None else {"NL": 0.7, "BE": 0.2, "DE": 0.1}).items():
                AudienceCountry.objects.create(audience=self, country=code, share=share)


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    influencer = factory.SubFactory(InfluencerFactory)
    kind = WorkKind.SPONSORED_POST
    platform = Platform.INSTAGRAM
    title = "One feed post"
    price = Decimal("250.00")


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    country = "NL"
    status = ModerationStatus.APPROVED


class BrandMemberFactory(DjangoModelFactory):
    class Meta:
        model = BrandMember

    user = factory.SubFactory(UserFactory)
    brand = factory.SubFactory(BrandFactory)
    role = BrandMember.Role.OWNER


class ShortlistFactory(DjangoModelFactory):
    class Meta:
        model = Shortlist

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Shortlist {n}")


class SavedSearchFactory(DjangoModelFactory):
    class Meta:
        model = SavedSearch

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Saved search {n}")
    query = "niches=fitness&platform=instagram"
    checked_until = factory.LazyFunction(timezone.now)


class ShortlistEntryFactory(DjangoModelFactory):
    class Meta:
        model = ShortlistEntry

    shortlist = factory.SubFactory(ShortlistFactory)
    influencer = factory.SubFactory(InfluencerFactory)


class CampaignFactory(DjangoModelFactory):
    """An open, approved sponsored-post campaign; use the traits for the other kinds."""

    class Meta:
        model = Campaign

    brand = factory.SubFactory(BrandFactory)
    title = factory.Sequence(lambda n: f"Campaign {n}")
    brief = "Show our product in your own style."
    kind = WorkKind.SPONSORED_POST
    posts_count = 2
    formats = factory.LazyFunction(lambda: ["reel"])
    platforms = factory.LazyFunction(lambda: [Platform.INSTAGRAM.value])
    budget_total = Decimal("5000.00")
    budget_per_creator = Decimal("500.00")
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    status = Campaign.Status.OPEN
    moderation_status = ModerationStatus.APPROVED

    class Params:
        review = factory.Trait(
            kind=WorkKind.REVIEW, posts_count=None, product_name="Trail shoe", product_value=Decimal("120")
        )
        giveaway = factory.Trait(
            kind=WorkKind.GIVEAWAY,
            posts_count=None,
            prize="Two weekend tickets",
            prize_value=Decimal("300"),
            winners_count=2,
            entry_end_date=factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14)),
        )
        ambassadorship = factory.Trait(
            kind=WorkKind.AMBASSADORSHIP,
            posts_count=None,
            duration_months=3,
            posts_per_month=2,
            monthly_fee=Decimal("150"),
        )


class CollaborationFactory(DjangoModelFactory):
    class Meta:
        model = Collaboration

    campaign = factory.SubFactory(CampaignFactory)
    influencer = factory.SubFactory(InfluencerFactory)
    initiated_by = Collaboration.Party.BRAND
    status = Collaboration.Status.INVITED


class GiveawayDrawFactory(DjangoModelFactory):
    """A draw with its commitment published (written directly; the services are tests/campaigns/test_draws.py)."""

    class Meta:
        model = GiveawayDraw

    collaboration = factory.SubFactory(
        CollaborationFactory, campaign__giveaway=True, status=Collaboration.Status.ACCEPTED
    )
    status = GiveawayDraw.Status.COMMITTED
    winners_count = 1
    entries_text = entry_list_text(["fan.one", "fan.two", "fan.three"])
    entries_sha256 = entry_list_sha256(["fan.one", "fan.two", "fan.three"])
    raw_count = 3
    duplicates_removed = 0
    excluded_removed = 0
    eligible_count = 3
    seed_hex = bytes(32).hex()
    seed_sha256 = sha256_hex(bytes(32))
    uploaded_at = factory.LazyFunction(timezone.now)
    committed_at = factory.LazyFunction(timezone.now)


class DeliverableFactory(DjangoModelFactory):
    class Meta:
        model = Deliverable

    collaboration = factory.SubFactory(CollaborationFactory)
    title = "Launch reel"


class MatchFactory(DjangoModelFactory):
    class Meta:
        model = Match

    campaign = factory.SubFactory(CampaignFactory)
    influencer = factory.SubFactory(InfluencerFactory)
    rank = factory.Sequence(lambda n: n + 1)
    score = 72.5
    niche_fit = 1.0
    audience_fit = 0.6
    engagement_quality = 0.8
    credibility_fit = 0.9
    price_fit = 1.0
    reach_fit = 0.5
    estimated_reach = 6000
    explanation = "60 % of the audience are women 18–34 in NL/BE."
    computed_at = factory.LazyFunction(timezone.now)
    engine_version = "test"


class EngineRunFactory(DjangoModelFactory):
    class Meta:
        model = EngineRun

    kind = EngineRun.Kind.MATCHES_CAMPAIGN
    scope = "all"


class EmailConfirmationFactory(DjangoModelFactory):
    class Meta:
        model = EmailConfirmation

    user = factory.SubFactory(UserFactory, email="")
    email = factory.LazyAttribute(lambda c: f"{c.user.username}@example.com")
    token = factory.Sequence(lambda n: f"confirmation-token-{n:08d}")


class BrandInvitationFactory(DjangoModelFactory):
    class Meta:
        model = BrandInvitation

    brand = factory.SubFactory(BrandFactory)
    email = factory.Sequence(lambda n: f"teammate{n}@example.com")
    token = factory.Sequence(lambda n: f"invitation-token-{n:08d}")


class CollaborationMessageFactory(DjangoModelFactory):
    class Meta:
        model = CollaborationMessage

    collaboration = factory.SubFactory(CollaborationFactory)
    author = factory.SubFactory(UserFactory)
    body = "Looking forward to working together."


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    verb = "moderation.approve"
    message = "Your profile is now approved."


class AuditEventFactory(DjangoModelFactory):
    """An audit row about an influencer; pass `target=` for another object."""

    class Meta:
        model = AuditEvent
        exclude = ("target_object",)

    target_object = factory.SubFactory(InfluencerFactory)
    actor = factory.SubFactory(StaffFactory)
    action = "moderation.approve"
    content_type = factory.LazyAttribute(lambda e: ContentType.objects.get_for_model(e.target_object))
    object_id = factory.LazyAttribute(lambda e: str(e.target_object.pk))
    object_repr = factory.LazyAttribute(lambda e: str(e.target_object)[:200])
    data = factory.LazyFunction(lambda: {"from": "pending", "to": "approved"})


class LedgerEntryFactory(DjangoModelFactory):
    """A payable (entries after it point at one; see campaigns/services/payments.py)."""

    class Meta:
        model = LedgerEntry

    collaboration = factory.SubFactory(CollaborationFactory, status=Collaboration.Status.APPROVED)
    kind = LedgerEntry.Kind.PAYABLE
    key = "fee"
    amount_cents = 35000
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    party = LedgerEntry.Party.BRAND


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    collaboration = factory.SubFactory(CollaborationFactory, status=Collaboration.Status.COMPLETED)
    author_party = Review.Party.BRAND
    quality = 5
    punctuality = 4
    communication = 5


class WebhookEndpointFactory(DjangoModelFactory):
    """A brand's endpoint (written directly; registration with its address checks: campaigns/webhooks.py)."""

    class Meta:
        model = WebhookEndpoint

    brand = factory.SubFactory(BrandFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/invloed")
    events = factory.LazyFunction(lambda: ["collaboration.invited"])
    secret = factory.Sequence(lambda n: f"whsec_test{n}")


class WebhookEventFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEvent

    type = "collaboration.invited"
    data = factory.LazyFunction(lambda: {"collaboration": {"id": 1}})


class WebhookDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    event = factory.SubFactory(WebhookEventFactory)
    endpoint = factory.SubFactory(WebhookEndpointFactory)
    status = WebhookDelivery.Status.SUCCEEDED
    attempts = 1
    last_status_code = 200


class WebhookAttemptFactory(DjangoModelFactory):
    class Meta:
        model = WebhookAttempt

    delivery = factory.SubFactory(WebhookDeliveryFactory)
    number = 1
    started_at = factory.LazyFunction(timezone.now)
    duration_ms = 12
    status_code = 200
    succeeded = True
    response_body = "ok"
