"""Writes on reviews: each side rates the other once after the work ends, the reviewed side replies
once, moderators hide or restore a review (through the admin)."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import BrandMember
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.notifications import notification_send

from ..models import Collaboration
from ..review_models import BLIND_DAYS, Review
from .payments import ledger_url
from .transitions import collaboration_party

Status = Collaboration.Status
# Cancelled is reachable only from accepted work (Collaboration.TRANSITIONS), so both count as "after acceptance".
REVIEWABLE_STATUSES = frozenset({Status.COMPLETED, Status.CANCELLED})


def _clean_text(value: str, *, field: str, required: str | None = None) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise DomainError(_("The text contains a character that cannot be stored."), field=field)
    if required and not value:
        raise DomainError(required, field=field)
    if len(value) > 2000:
        raise DomainError(_("At most 2,000 characters."), field=field)
    return value


def _ratings_check(party: str, ratings: Mapping[str, object]) -> dict[str, int]:
    aspects = Review.ASPECTS[party]
    unknown = sorted(set(ratings) - set(aspects))
    if unknown:
        raise DomainError(_("Rate only %(aspects)s.") % {"aspects": ", ".join(aspects)}, field=unknown[0])
    clean: dict[str, int] = {}
    for aspect in aspects:
        value = ratings.get(aspect)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise DomainError(_("Rate every aspect from 1 to 5."), field=aspect)
        clean[aspect] = value
    return clean


def review_submit(
    *, collaboration: Collaboration, by: User, ratings: Mapping[str, object], comment: str = ""
) -> Review:
    """One side rates the other once, after the collaboration completed or was cancelled after acceptance."""
    party = collaboration_party(collaboration=collaboration, user=by)
    if collaboration.status not in REVIEWABLE_STATUSES:
        raise DomainError(
            _("Reviews open once the collaboration is completed or cancelled; it is %(status)s.")
            % {"status": collaboration.get_status_display().lower()}
        )
    clean = _ratings_check(party, ratings)
    comment = _clean_text(comment, field="comment")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                collaboration=collaboration, author_party=party, author=by, comment=comment, **clean
            )
            audit_record(actor=by, action="review.submitted", target=review, data=clean)
    except IntegrityError as exc:
        raise Conflict(_("You already reviewed this collaboration; a review cannot be changed.")) from exc
    _notify_reviewed(review, collaboration)
    return review


def _notify_reviewed(review: Review, collaboration: Collaboration) -> None:
    text = _(
        "You were reviewed for “%(title)s”. Reviews are published when both sides have reviewed, "
        "or after %(days)d days."
    ) % {"title": collaboration.campaign.title, "days": BLIND_DAYS}
    url = ledger_url(collaboration)
    if review.author_party == Review.Party.BRAND:
        notification_send(user=collaboration.influencer.user, verb="review.received", message=text, url=url)
    else:
        for member in BrandMember.objects.filter(brand_id=collaboration.campaign.brand_id).select_related("user"):
            notification_send(user=member.user, verb="review.received", message=text, url=url)


def review_reply(*, review: Review, by: User, reply: str) -> Review:
    """The reviewed side answers a published review, once."""
    collaboration = review.collaboration
    party = collaboration_party(collaboration=collaboration, user=by)
    if party == review.author_party:
        raise NotAllowed(_("Only the reviewed side replies to a review."))
    reply = _clean_text(reply, field="reply", required=_("Write your reply."))
    if not Review.objects.published().filter(pk=review.pk).exists():
        raise DomainError(_("You can reply once the review is published."))
    with transaction.atomic():
        claimed = Review.objects.filter(pk=review.pk, reply="").update(reply=reply, replied_at=timezone.now())
        if not claimed:
            raise Conflict(_("This review already has a reply; a reply cannot be changed."))
        review.refresh_from_db()
        audit_record(actor=by, action="review.replied", target=review, reason=reply)
    return review


def review_moderate(*, review: Review, by: User, hide: bool, reason: str) -> Review:
    """A moderator hides a review (abuse, personal data …) or restores it, with a reason on record."""
    if not (by.is_active and by.is_staff and by.has_perm("campaigns.change_review")):
        raise NotAllowed(_("Only moderators hide or restore reviews."))
    reason = _clean_text(reason, field="moderation_reason", required=_("Give the reason for the decision."))
    status = Review.Moderation.HIDDEN if hide else Review.Moderation.VISIBLE
    with transaction.atomic():
        Review.objects.filter(pk=review.pk).update(moderation_status=status, moderation_reason=reason)
        review.refresh_from_db()
        audit_record(actor=by, action=f"review.{status}", target=review, reason=reason)
    return review
