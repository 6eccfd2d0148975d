"""Brands, the people who work for them, and their saved shortlists of influencers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from influencers.models import Influencer, Niche
from influencers.taxonomy import Country, ModerationStatus

if TYPE_CHECKING:
    from influencers.access import Actor


class BrandQuerySet(models.QuerySet["Brand"]):
    def approved(self) -> BrandQuerySet:
        return self.filter(status=ModerationStatus.APPROVED)

    def pending(self) -> BrandQuerySet:
        return self.filter(status=ModerationStatus.PENDING)


class Brand(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    website = models.URLField(max_length=300, blank=True)
    industry_niches = models.ManyToManyField(Niche, related_name="brands", blank=True)
    country = models.CharField(max_length=2, choices=Country.choices, blank=True)
    description = models.TextField(max_length=4000, blank=True)
    status = models.CharField(max_length=12, choices=ModerationStatus.choices, default=ModerationStatus.PENDING)
    status_reason = models.TextField(blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    verified = models.BooleanField(default=False, help_text=_("Set by a moderator after checking the company."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BrandQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def can_invite(self) -> bool:
        return self.status == ModerationStatus.APPROVED


class BrandMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    # One brand per user keeps every page's "my brand" unambiguous (see docs/decisions.md).
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_membership")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["brand", "role", "user"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.brand} ({self.role})"


class BrandInvitation(models.Model):
    """An owner's invitation for a teammate to join the brand as a member."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="brand_invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.brand}"


class EmailConfirmation(models.Model):
    """An address given at sign-up, waiting for its owner to open the link sent to it.

    The account works at once, but its email stays empty (no notification, no password reset goes
    there) until the link is opened: a sign-up neither proves nor reveals who owns an address.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_confirmations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)  # SHA-256 of the link's token
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.user})"


class ShortlistQuerySet(models.QuerySet["Shortlist"]):
    def managed_by(self, actor: Actor) -> ShortlistQuerySet:
        return self.filter(brand_id=actor.brand_id) if actor.brand_id is not None else self.none()

    def visible_to(self, actor: Actor) -> ShortlistQuerySet:
        if actor.can("brands.view_shortlist"):
            return self
        return self.managed_by(actor)


class Shortlist(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="shortlists")
    name = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    influencers = models.ManyToManyField(Influencer, through="ShortlistEntry", related_name="shortlists")

    objects = ShortlistQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="shortlist_unique_name_per_brand")]

    def __str__(self) -> str:
        return self.name


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    influencer = models.ForeignKey(Influencer, on_delete=models.CASCADE, related_name="shortlist_entries")
    note = models.TextField(max_length=2000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at"]
        verbose_name_plural = "shortlist entries"
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "influencer"], name="shortlist_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.influencer} in {self.shortlist}"


class ApiToken(AbstractAuthToken):
    """A personal API key, stored as a SHA-512 digest (django-rest-knox); the key itself is shown once.

    `password_fingerprint` is the user's session auth hash when the key was made: a password change
    or reset (by any path, the admin and `manage.py changepassword` included) changes it, and the
    authentication class then refuses the key, exactly as Django logs out the user's sessions.
    """

    password_fingerprint = models.CharField(max_length=128, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]


class SavedSearchQuerySet(models.QuerySet["SavedSearch"]):
    def managed_by(self, actor: Actor) -> SavedSearchQuerySet:
        return self.filter(brand_id=actor.brand_id) if actor.brand_id is not None else self.none()


class SavedSearch(models.Model):
    """A named discovery query; the daily digest tells the brand about creators approved since `checked_until`."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=80)
    # The discovery page's own parameters only (no cursor), sorted: "/influencers/?<query>" runs it.
    query = models.CharField(max_length=2000)
    notify = models.BooleanField(default=True, help_text=_("Send the daily digest of new matching creators."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Creators approved after this moment are "new"; the digest moves it to the start of its run.
    checked_until = models.DateTimeField()
    # How many new creators the last digest found (None before the first digest).
    last_new_count = models.PositiveIntegerField(null=True, blank=True)

    objects = SavedSearchQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "brand", name="saved_search_unique_name_per_brand"),
        ]

    def __str__(self) -> str:
        return self.name
