"""Verifiable giveaway draws: the tables (imported at the bottom of campaigns/models.py).

A draw belongs to one giveaway collaboration and moves forward only: uploaded (entries parsed, the
rule applied, still replaceable) -> committed (the entry-list and seed hashes published; nothing can
change any more) -> drawn (winners stored, seed revealed). Every move is a conditional UPDATE in
campaigns/services/draws.py, and check constraints keep the states honest (a committed draw has both
hashes, a drawn one its seed and winners). The algorithm is campaigns/draw_algorithm.py.

Collaboration is named as a string so this module never imports campaigns.models (no import cycle).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from influencers.access import Actor

# What an upload may hold: bytes of CSV text, and rows (entries) in it.
MAX_ENTRIES_CSV_BYTES = 2 * 1024 * 1024
MAX_ENTRY_ROWS = 50_000
MAX_EXCLUDED = 500


class GiveawayDrawQuerySet(models.QuerySet["GiveawayDraw"]):
    def published(self) -> GiveawayDrawQuerySet:
        """Committed or drawn: what the public verification page may show."""
        return self.exclude(status=GiveawayDraw.Status.UPLOADED)

    def visible_to(self, actor: Actor) -> GiveawayDrawQuerySet:
        """The collaboration's two parties; staff with the admin's view permission read every draw."""
        if actor.can("campaigns.view_giveawaydraw"):
            return self
        scope = Q(pk__in=[])
        if actor.influencer_id is not None:
            scope |= Q(collaboration__influencer_id=actor.influencer_id)
        if actor.brand_id is not None:
            scope |= Q(collaboration__campaign__brand_id=actor.brand_id)
        return self.filter(scope)


class GiveawayDraw(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Entries uploaded")
        COMMITTED = "committed", _("Commitment published")
        DRAWN = "drawn", _("Drawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public id"))
    collaboration = models.OneToOneField(
        "campaigns.Collaboration",
        on_delete=models.PROTECT,
        related_name="giveaway_draw",
        verbose_name=_("collaboration"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED, verbose_name=_("status"))
    # The rule, as published: one entry per account always; these accounts may not win.
    excluded_handles = models.JSONField(default=list, blank=True, verbose_name=_("excluded accounts"))
    winners_count = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1000)], verbose_name=_("winners to draw")
    )
    # The canonical entry list (draw_algorithm.entry_list_text) and what the rule removed.
    entries_text = models.TextField(verbose_name=_("canonical entry list"))
    entries_sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 of the entry list"))
    raw_count = models.PositiveIntegerField(verbose_name=_("entries uploaded"))
    duplicates_removed = models.PositiveIntegerField(verbose_name=_("duplicates removed"))
    excluded_removed = models.PositiveIntegerField(verbose_name=_("excluded accounts removed"))
    eligible_count = models.PositiveIntegerField(verbose_name=_("eligible entries"))
    # The secret seed (hex) exists from the commitment on; only its hash is shown until the draw.
    seed_hex = models.CharField(max_length=64, blank=True, verbose_name=_("revealed seed"))
    seed_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256 of the seed"))
    winners = models.JSONField(default=list, blank=True, verbose_name=_("winners"))

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("committed by"),
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded at"))
    committed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("committed at"))
    drawn_at = models.DateTimeField(null=True, blank=True, verbose_name=_("drawn at"))

    objects = GiveawayDrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("giveaway draw")
        verbose_name_plural = _("giveaway draws")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(eligible_count__gte=models.F("winners_count")), name="draw_winners_within_eligible"
            ),
            models.CheckConstraint(
                condition=Q(status="uploaded") | (Q(committed_at__isnull=False) & ~Q(seed_sha256="") & ~Q(seed_hex="")),
                name="draw_committed_has_commitment",
            ),
            models.CheckConstraint(
                condition=~Q(status="drawn") | Q(drawn_at__isnull=False), name="draw_drawn_has_time"
            ),
        ]

    def __str__(self) -> str:
        return _("Draw %(id)s") % {"id": self.public_id}

    @property
    def is_drawn(self) -> bool:
        return self.status == self.Status.DRAWN

    @property
    def revealed_seed(self) -> str:
        """The seed as published: empty until the winners are drawn."""
        return self.seed_hex if self.is_drawn else ""

    def entries(self) -> list[str]:
        return self.entries_text.splitlines()
