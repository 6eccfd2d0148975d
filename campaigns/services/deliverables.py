"""Writes on deliverables: planning them, the creator's submission (with its ad-disclosure check), the
brand's review, and a giveaway's announced winners."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import unquote

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import BrandMember
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.notifications import notification_send
from influencers.models import Post
from influencers.taxonomy import AD_DISCLOSURE_MARKERS, PostFormat, WorkKind

from ..domain import (
    OPEN_DELIVERABLE_STATUSES,
    SUBMITTABLE_STATUSES,
    WORK_IN_PROGRESS,
)
from ..models import Campaign, Collaboration, Deliverable
from ..participation import Step, participation_require
from ..webhook_models import EventType
from ..webhooks import deliverable_data, webhook_collaboration_event
from .campaigns import _require_campaign_member
from .payments import ledger_payables_open
from .punctuality import influencer_delivery_punctuality_store
from .transitions import collaboration_party, collaboration_transition

Party = Collaboration.Party
Status = Collaboration.Status
CampaignStatus = Campaign.Status
DeliverableStatus = Deliverable.Status

_DISCLOSURE_PATTERNS = tuple(
    (marker, re.compile(rf"(?<!\w){re.escape(marker)}(?!\w)", re.IGNORECASE)) for marker in AD_DISCLOSURE_MARKERS
)


class DisclosureMissing(DomainError):
    """Content without an ad disclosure that the creator has not explicitly confirmed."""


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    return dt.date(day.year + month_index // 12, month_index % 12 + 1, 1)


def _deliverables_plan(*, collaboration: Collaboration) -> int:
    """Create the deliverable rows the campaign's terms call for; running it twice adds nothing.

    Sponsored post: one per post; review and giveaway: one; ambassadorship: posts per month for every
    month of the duration, each with its period (first of the month) and due at the month's end.
    """
    campaign = collaboration.campaign
    formats = campaign.formats or [PostFormat.IMAGE]
    new: list[Deliverable] = []
    if campaign.kind == WorkKind.AMBASSADORSHIP:
        existing = Counter(collaboration.deliverables.exclude(period=None).values_list("period", flat=True))
        first = campaign.starts_on.replace(day=1)
        per_month = campaign.posts_per_month or 1
        for month in range(campaign.duration_months or 1):
            period = _add_months(first, month)
            due = period.replace(day=calendar.monthrange(period.year, period.month)[1])
            for number in range(existing.get(period, 0) + 1, per_month + 1):
                title = _("%(month)s — post %(number)d of %(total)d") % {
                    "month": f"{period:%Y-%m}",
                    "number": number,
                    "total": per_month,
                }
                new.append(
                    Deliverable(
                        collaboration=collaboration,
                        kind=formats[(number - 1) % len(formats)],
                        title=title,
                        period=period,
                        due_date=due,
                    )
                )
    elif not collaboration.deliverables.exists():
        if campaign.kind == WorkKind.SPONSORED_POST:
            total = campaign.posts_count or 1
            titles = [_("Post %(number)d of %(total)d") % {"number": n, "total": total} for n in range(1, total + 1)]
            due = campaign.ends_on
        elif campaign.kind == WorkKind.REVIEW:
            titles = [_("Review of %(product)s") % {"product": campaign.product_name}]
            due = campaign.ends_on
        else:
            titles = [_("Giveaway post")]
            due = campaign.entry_end_date or campaign.ends_on
        new = [
            Deliverable(collaboration=collaboration, kind=formats[i % len(formats)], title=title, due_date=due)
            for i, title in enumerate(titles)
        ]
    Deliverable.objects.bulk_create(new)
    return len(new)


def ad_disclosure_find(*texts: str) -> str:
    """The first ad-disclosure marker (taxonomy.AD_DISCLOSURE_MARKERS) in the texts, or "".

    Whole words only: "#ad" counts, "#adventure" does not. Links are URL-decoded first, so "%23ad" counts.
    """
    haystack = "\n".join(unquote(text or "") for text in texts)
    for marker, pattern in _DISCLOSURE_PATTERNS:
        if pattern.search(haystack):
            return marker
    return ""


def _submission_check(*, url: str, draft_text: str) -> None:
    if not url:
        raise DomainError(_("Paste the link to your post or draft."), field="submitted_url")
    if len(url) > 500:
        raise DomainError(_("Links can be at most 500 characters long."), field="submitted_url")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise DomainError(_("Enter a full link starting with https://."), field="submitted_url") from exc
    if len(draft_text) > 5000:
        raise DomainError(_("The text can be at most 5,000 characters long."), field="draft_text")


def _deliverable_to_submit(*, collaboration: Collaboration, deliverable: Deliverable | None) -> Deliverable:
    if deliverable is not None:
        if deliverable.collaboration_id != collaboration.pk:
            raise NotAllowed(_("That deliverable belongs to another collaboration."))
        if deliverable.status not in OPEN_DELIVERABLE_STATUSES:
            raise Conflict(_("This deliverable was already submitted. Reload to see its current state."))
        return deliverable
    if not collaboration.deliverables.exists():
        _deliverables_plan(collaboration=collaboration)
    upcoming = collaboration.deliverables.filter(status__in=OPEN_DELIVERABLE_STATUSES).order_by(
        "-status", "due_date", "pk"
    )
    found = upcoming.first()
    if found is None:
        raise DomainError(_("Every planned deliverable has been submitted; wait for the brand's review."))
    return found


def _post_for_url(*, collaboration: Collaboration, url: str) -> Post | None:
    """The creator's imported post at this link, so the report can show its engagement."""
    return (
        Post.objects.filter(account__influencer_id=collaboration.influencer_id, url__in={url, url.rstrip("/")})
        .order_by("-posted_at")
        .first()
    )


def _collaboration_follow_deliverables(*, collaboration: Collaboration, by: User, message: str = "") -> bool:
    """Move the collaboration to the status its deliverables call for; False when it already has it.

    Any deliverable waiting for a revision outranks one waiting for review, which outranks approval.
    """
    statuses = set(collaboration.deliverables.values_list("status", flat=True))
    if DeliverableStatus.REVISION_REQUESTED in statuses:
        target = Status.REVISION_REQUESTED
    elif DeliverableStatus.SUBMITTED in statuses:
        target = Status.CONTENT_SUBMITTED
    elif DeliverableStatus.APPROVED in statuses:
        target = Status.APPROVED
    else:
        return False
    if target == collaboration.status:
        return False
    collaboration_transition(collaboration=collaboration, to=target, by=by, message=message)
    return True


def _locked_collaboration(collaboration: Collaboration) -> Collaboration:
    # Deliverable writes lock their collaboration, so two of them never race on its status.
    return (
        Collaboration.objects.select_for_update()
        .select_related("campaign__brand", "influencer")
        .get(pk=collaboration.pk)
    )


def deliverable_submit(
    *,
    collaboration: Collaboration,
    by: User,
    url: str,
    draft_text: str = "",
    deliverable: Deliverable | None = None,
    confirm_without_disclosure: bool = False,
) -> Deliverable:
    """The creator hands in a post (link, optional draft text), checked for an ad disclosure.

    Without a disclosure the creator must confirm explicitly (DisclosureMissing otherwise); the result
    of the check is stored on the deliverable either way.
    """
    if collaboration_party(collaboration=collaboration, user=by) != Party.INFLUENCER:
        raise NotAllowed(_("Only the creator submits content."))
    participation_require(
        step=Step.SUBMIT, campaign=collaboration.campaign, influencer=collaboration.influencer, party=Party.INFLUENCER
    )
    url = (url or "").strip()
    draft_text = (draft_text or "").strip()
    _submission_check(url=url, draft_text=draft_text)
    marker = ad_disclosure_find(url, draft_text)
    if not marker and not confirm_without_disclosure:
        raise DisclosureMissing(
            _(
                "We found no ad disclosure (#ad, #advertentie, “paid partnership” …) in your link or text. "
                "Sponsored content must be recognisable as advertising: add a disclosure, or confirm that "
                "the post discloses it another way (for example with the platform's paid-partnership label)."
            ),
            field="draft_text",
        )
    with transaction.atomic():
        locked = _locked_collaboration(collaboration)
        if locked.status not in SUBMITTABLE_STATUSES:
            raise DomainError(
                _("Content can be submitted once the collaboration is accepted; it is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        target = _deliverable_to_submit(collaboration=locked, deliverable=deliverable)
        claimed = Deliverable.objects.filter(pk=target.pk, status__in=OPEN_DELIVERABLE_STATUSES).update(
            status=DeliverableStatus.SUBMITTED,
            submitted_url=url,
            draft_text=draft_text,
            has_ad_disclosure=bool(marker),
            disclosure_found=marker,
            submitted_at=timezone.now(),
            post=_post_for_url(collaboration=locked, url=url),
        )
        if not claimed:
            raise Conflict(_("This deliverable was already submitted. Reload to see its current state."))
        target.refresh_from_db()
        # Discovery's copy of the creator's punctuality follows the hand-in in the same transaction.
        influencer_delivery_punctuality_store(influencer_ids=[locked.influencer_id])
        audit_record(
            actor=by,
            action="deliverable.submitted",
            target=target,
            data={"has_ad_disclosure": bool(marker), "disclosure_found": marker, "url": url},
        )
        if not _collaboration_follow_deliverables(collaboration=locked, by=by):
            text = _("@%(handle)s submitted “%(deliverable)s” for “%(title)s”.") % {
                "handle": locked.influencer.handle,
                "deliverable": target,
                "title": locked.campaign.title,
            }
            for member in BrandMember.objects.filter(brand_id=locked.campaign.brand_id).select_related("user"):
                notification_send(user=member.user, verb="deliverable.submitted", message=text)
        webhook_collaboration_event(
            event_type=EventType.DELIVERABLE_SUBMITTED,
            collaboration=locked,
            extra={"deliverable": deliverable_data(target)},
        )
    return target


def deliverable_review(*, deliverable: Deliverable, by: User, approve: bool, comment: str = "") -> Deliverable:
    """The brand approves a submitted deliverable or asks for a revision (which needs a comment)."""
    collaboration = deliverable.collaboration
    if collaboration_party(collaboration=collaboration, user=by) != Party.BRAND:
        raise NotAllowed(_("Only the brand reviews content."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise DomainError(_("Say what needs to change, so the creator can fix it."), field="comment")
    if len(comment) > 4000:
        raise DomainError(_("The comment can be at most 4,000 characters long."), field="comment")
    new_status = DeliverableStatus.APPROVED if approve else DeliverableStatus.REVISION_REQUESTED
    with transaction.atomic():
        locked = _locked_collaboration(collaboration)
        claimed = Deliverable.objects.filter(pk=deliverable.pk, status=DeliverableStatus.SUBMITTED).update(
            status=new_status, review_comment=comment, reviewed_at=timezone.now()
        )
        if not claimed:
            raise Conflict(
                _("This deliverable is no longer waiting for review; someone may have just reviewed it. Reload.")
            )
        deliverable.refresh_from_db()
        audit_record(actor=by, action=f"deliverable.{new_status}", target=deliverable, reason=comment)
        influencer_delivery_punctuality_store(influencer_ids=[locked.influencer_id])
        if approve:  # approved work becomes payable (the ledger: campaigns/services/payments.py)
            ledger_payables_open(collaboration=locked, by=by)
        if not _collaboration_follow_deliverables(collaboration=locked, by=by, message=comment):
            text = _("“%(deliverable)s” for “%(title)s” is now: %(status)s.") % {
                "deliverable": deliverable,
                "title": locked.campaign.title,
                "status": deliverable.get_status_display().lower(),
            }
            if comment:
                text = f"{text} {comment}"
            notification_send(user=locked.influencer.user, verb=f"deliverable.{new_status}", message=text)
        if approve:
            webhook_collaboration_event(
                event_type=EventType.DELIVERABLE_APPROVED,
                collaboration=locked,
                extra={"deliverable": deliverable_data(deliverable)},
            )
    return deliverable


def giveaway_winners_record(*, campaign: Campaign, by: User, announced_in: Iterable[Collaboration] = ()) -> Campaign:
    """Record that a giveaway's winners were announced, and in which creators' channels."""
    _require_campaign_member(campaign=campaign, by=by)
    if campaign.kind != WorkKind.GIVEAWAY:
        raise DomainError(_("Only giveaways have winners to announce."))
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.CANCELLED):
        raise DomainError(_("Publish the giveaway before recording its winners."))
    if campaign.entry_end_date and timezone.localdate() < campaign.entry_end_date:
        raise DomainError(
            _("Entries close on %(date)s; record the winners after that.") % {"date": campaign.entry_end_date},
            field="announced_in",
        )
    ids = [collaboration.pk for collaboration in announced_in]
    now = timezone.now()
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk, winners_announced_at__isnull=True).update(
            winners_announced_at=now, updated_at=now
        )
        collaborations = Collaboration.objects.filter(campaign=campaign)
        collaborations.filter(pk__in=ids, status__in=WORK_IN_PROGRESS | {Status.COMPLETED}).update(
            is_giveaway_winner_announced=True, updated_at=now
        )
        collaborations.exclude(pk__in=ids).update(is_giveaway_winner_announced=False)
        campaign.refresh_from_db()
        announced = list(
            collaborations.filter(is_giveaway_winner_announced=True).values_list("influencer__handle", flat=True)
        )
        audit_record(actor=by, action="campaign.winners_announced", target=campaign, data={"announced_in": announced})
    return campaign
