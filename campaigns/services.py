"""Writes for campaigns and collaborations.

Collaboration status changes go through `collaboration_transition`, which checks the edge and the
party against `Collaboration.TRANSITIONS` and claims the row with a conditional UPDATE, so of two
concurrent changes exactly one wins and the other gets a clear Conflict.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import unquote

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from brands.models import Brand, BrandMember
from influencers.access import actor_for
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.moderation import moderation_decide
from influencers.kernel.notifications import notification_send
from influencers.models import Influencer, Niche, Offer, Post
from influencers.taxonomy import AD_DISCLOSURE_MARKERS, ModerationStatus, PostFormat, WorkKind

from .models import KIND_TERMS, Campaign, Collaboration, CollaborationMessage, Deliverable
from .participation import Step, participation_require

Party = Collaboration.Party
Status = Collaboration.Status


def campaign_moderate(*, campaign: Campaign, decision: str, reason: str, by: AbstractBaseUser) -> Campaign:
    campaign = moderation_decide(
        target=campaign,
        decision=decision,
        reason=reason,
        by=by,
        status_field="moderation_status",
        reason_field="moderation_reason",
    )
    message = _("Campaign “%(title)s” is now %(status)s by moderation.") % {
        "title": campaign.title,
        "status": campaign.get_moderation_status_display().lower(),
    }
    if reason:
        message = f"{message} {reason}"
    for member in BrandMember.objects.filter(brand_id=campaign.brand_id).select_related("user"):
        notification_send(user=member.user, verb=f"moderation.{decision}", message=message)
    return campaign


def user_brand_id(user: AbstractBaseUser) -> int | None:
    """The id of the brand this user works for, or None (the actor's brand: influencers/access.py)."""
    return actor_for(user).brand_id


def collaboration_party(*, collaboration: Collaboration, user: AbstractBaseUser) -> str:
    """Which side of the collaboration this user is on; NotAllowed when neither (staff included)."""
    actor = actor_for(user)
    if actor.influencer_id is not None and collaboration.influencer_id == actor.influencer_id:
        return Party.INFLUENCER
    if actor.brand_id is not None and collaboration.campaign.brand_id == actor.brand_id:
        return Party.BRAND
    raise NotAllowed(_("You are not part of this collaboration."))


def _add_message(*, collaboration: Collaboration, author: AbstractBaseUser, body: str) -> None:
    body = (body or "").strip()
    if body:
        CollaborationMessage.objects.create(collaboration=collaboration, author=author, body=body)


def _check_fee(fee: Decimal | None) -> None:
    if fee is not None and (fee < 0 or fee > Decimal("100000000")):
        raise DomainError(_("A fee must be between 0 and 100,000,000."), field="proposed_fee")


def collaboration_invite(
    *,
    campaign: Campaign,
    influencer: Influencer,
    by: AbstractBaseUser,
    message: str = "",
    proposed_fee: Decimal | None = None,
    offer: Offer | None = None,
) -> Collaboration:
    """A brand member invites an influencer to one of the brand's campaigns."""
    if user_brand_id(by) != campaign.brand_id:
        raise NotAllowed(_("Only members of %(brand)s can invite to this campaign.") % {"brand": campaign.brand.name})
    participation_require(step=Step.START, campaign=campaign, influencer=influencer, party=Party.BRAND)
    if campaign.status not in (Campaign.Status.OPEN, Campaign.Status.IN_PROGRESS):
        raise DomainError(_("Publish the campaign before inviting creators."))
    return _collaboration_start(
        campaign=campaign,
        influencer=influencer,
        by=by,
        initiated_by=Party.BRAND,
        status=Status.INVITED,
        message=message,
        proposed_fee=proposed_fee,
        offer=offer,
    )


def collaboration_apply(
    *,
    campaign: Campaign,
    influencer: Influencer,
    by: AbstractBaseUser,
    message: str = "",
    proposed_fee: Decimal | None = None,
    offer: Offer | None = None,
) -> Collaboration:
    """An influencer applies to an open public campaign."""
    if influencer.user_id != by.pk:
        raise NotAllowed(_("You can only apply with your own profile."))
    if influencer.status == ModerationStatus.PENDING:
        raise DomainError(_("Your profile must be approved by a moderator before you can apply."))
    participation_require(step=Step.START, campaign=campaign, influencer=influencer, party=Party.INFLUENCER)
    if not (campaign.is_open and campaign.visibility == Campaign.Visibility.PUBLIC):
        raise DomainError(_("This campaign is not open for applications."))
    return _collaboration_start(
        campaign=campaign,
        influencer=influencer,
        by=by,
        initiated_by=Party.INFLUENCER,
        status=Status.APPLIED,
        message=message,
        proposed_fee=proposed_fee,
        offer=offer,
    )


def _collaboration_start(
    *,
    campaign: Campaign,
    influencer: Influencer,
    by: AbstractBaseUser,
    initiated_by: str,
    status: str,
    message: str,
    proposed_fee: Decimal | None,
    offer: Offer | None,
) -> Collaboration:
    _check_fee(proposed_fee)
    if offer is not None and offer.influencer_id != influencer.pk:
        raise DomainError(_("That offer belongs to another creator."), field="offer")
    try:
        with transaction.atomic():
            collaboration = Collaboration.objects.create(
                campaign=campaign,
                influencer=influencer,
                initiated_by=initiated_by,
                status=status,
                proposed_fee=proposed_fee,
                offer=offer,
                currency=campaign.currency,
            )
            _add_message(collaboration=collaboration, author=by, body=message)
            audit_record(actor=by, action=f"collaboration.{status}", target=collaboration)
    except IntegrityError as exc:
        raise Conflict(_("%(handle)s is already part of this campaign.") % {"handle": influencer}) from exc
    if initiated_by == Party.BRAND:
        notification_send(
            user=influencer.user,
            verb="collaboration.invited",
            message=_("%(brand)s invited you to “%(title)s”.")
            % {"brand": campaign.brand.name, "title": campaign.title},
            url=_influencer_url(collaboration),
        )
    else:
        for member in BrandMember.objects.filter(brand_id=campaign.brand_id).select_related("user"):
            notification_send(
                user=member.user,
                verb="collaboration.applied",
                message=_("@%(handle)s applied to “%(title)s”.")
                % {"handle": influencer.handle, "title": campaign.title},
                url=_brand_url(collaboration),
            )
    return collaboration


# Which moderation step (campaigns/participation.py) each target status is; others settle existing work.
TRANSITION_STEPS: dict[str, Step] = {
    Status.ACCEPTED: Step.START,
    Status.CONTENT_SUBMITTED: Step.SUBMIT,
    Status.DECLINED: Step.WIND_DOWN,
    Status.WITHDRAWN: Step.WIND_DOWN,
    Status.CANCELLED: Step.WIND_DOWN,
}


def collaboration_transition(
    *,
    collaboration: Collaboration,
    to: str,
    by: AbstractBaseUser,
    message: str = "",
    agreed_fee: Decimal | None = None,
) -> Collaboration:
    """Move a collaboration along one legal edge of its status machine, as the party allowed to.

    The status is claimed with `UPDATE … WHERE status = <the status the user saw>`: if another
    request moved it first, no row matches and this one fails with Conflict instead of overwriting.
    """
    party = collaboration_party(collaboration=collaboration, user=by)
    current = collaboration.status
    allowed = Collaboration.allowed_parties(current, to)
    if not allowed:
        raise DomainError(
            _("A collaboration that is %(current)s cannot become %(target)s.")
            % {
                "current": Status(current).label.lower(),
                "target": Status(to).label.lower() if to in Status.values else to,
            }
        )
    if party not in allowed:
        raise NotAllowed(_("Only the %(party)s can do this.") % {"party": Party(allowed[0]).label.lower()})
    participation_require(
        step=TRANSITION_STEPS.get(to, Step.SETTLE),
        campaign=collaboration.campaign,
        influencer=collaboration.influencer,
        party=party,
    )
    _check_fee(agreed_fee)
    now = timezone.now()
    changes: dict = {"status": to, "status_changed_at": now, "updated_at": now}
    if to == Status.ACCEPTED:
        changes["agreed_fee"] = agreed_fee if agreed_fee is not None else collaboration.proposed_fee
    with transaction.atomic():
        claimed = Collaboration.objects.filter(pk=collaboration.pk, status=current).update(**changes)
        if not claimed:
            raise Conflict(_("This collaboration was just changed by someone else. Reload to see its current state."))
        collaboration.refresh_from_db()
        _add_message(collaboration=collaboration, author=by, body=message)
        audit_record(
            actor=by,
            action=f"collaboration.{to}",
            target=collaboration,
            reason=message,
            data={"from": current, "to": to},
        )
    _notify_other_party(collaboration=collaboration, party=party)
    return collaboration


def _notify_other_party(*, collaboration: Collaboration, party: str) -> None:
    text = _("“%(title)s” with @%(handle)s is now: %(status)s.") % {
        "title": collaboration.campaign.title,
        "handle": collaboration.influencer.handle,
        "status": collaboration.get_status_display().lower(),
    }
    verb = f"collaboration.{collaboration.status}"
    if party == Party.BRAND:
        notification_send(
            user=collaboration.influencer.user, verb=verb, message=text, url=_influencer_url(collaboration)
        )
    else:
        for member in BrandMember.objects.filter(brand_id=collaboration.campaign.brand_id).select_related("user"):
            notification_send(user=member.user, verb=verb, message=text, url=_brand_url(collaboration))


def _influencer_url(collaboration: Collaboration) -> str:
    """Where the creator acts on this collaboration (linked from notifications)."""
    return reverse("me:collaboration", args=[collaboration.pk])


def _brand_url(collaboration: Collaboration) -> str:
    """Where the brand acts on this collaboration (linked from notifications)."""
    return reverse("campaigns:collaboration", args=[collaboration.campaign_id, collaboration.pk])


# --- Campaign lifecycle, deliverables and reviews (brand and creator self-service) ---------------

CampaignStatus = Campaign.Status
DeliverableStatus = Deliverable.Status

# Every field a brand may set on its campaign (status, moderation and matching fields are not among them).
CAMPAIGN_FIELDS: tuple[str, ...] = (
    "title",
    "brief",
    "kind",
    *(name for terms in KIND_TERMS.values() for name in terms),
    "platforms",
    "target_age_bands",
    "target_genders",
    "target_countries",
    "target_languages",
    "min_followers",
    "max_followers",
    "tiers",
    "currency",
    "budget_total",
    "budget_per_creator",
    "starts_on",
    "ends_on",
    "visibility",
)

# The brand's actions on a campaign: the statuses each may start from, and the status it sets.
CAMPAIGN_ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({CampaignStatus.DRAFT}), CampaignStatus.OPEN),
    "pause": (frozenset({CampaignStatus.OPEN, CampaignStatus.IN_PROGRESS}), CampaignStatus.PAUSED),
    "resume": (frozenset({CampaignStatus.PAUSED}), CampaignStatus.OPEN),
    "close": (
        frozenset({CampaignStatus.OPEN, CampaignStatus.PAUSED, CampaignStatus.IN_PROGRESS}),
        CampaignStatus.COMPLETED,
    ),
    "cancel": (
        frozenset({CampaignStatus.DRAFT, CampaignStatus.OPEN, CampaignStatus.PAUSED, CampaignStatus.IN_PROGRESS}),
        CampaignStatus.CANCELLED,
    ),
}
EDITABLE_CAMPAIGN_STATUSES = frozenset({CampaignStatus.DRAFT, CampaignStatus.OPEN, CampaignStatus.PAUSED})

# Collaborations with work under way; a campaign cannot be closed while any remain.
WORK_IN_PROGRESS = frozenset({Status.ACCEPTED, Status.CONTENT_SUBMITTED, Status.REVISION_REQUESTED, Status.APPROVED})
# Collaboration statuses in which the creator can hand in content.
SUBMITTABLE_STATUSES = frozenset(
    {Status.ACCEPTED, Status.CONTENT_SUBMITTED, Status.REVISION_REQUESTED, Status.APPROVED}
)
OPEN_DELIVERABLE_STATUSES = (DeliverableStatus.PENDING, DeliverableStatus.REVISION_REQUESTED)

_DISCLOSURE_PATTERNS = tuple(
    (marker, re.compile(rf"(?<!\w){re.escape(marker)}(?!\w)", re.IGNORECASE)) for marker in AD_DISCLOSURE_MARKERS
)


class DisclosureMissing(DomainError):
    """Content without an ad disclosure that the creator has not explicitly confirmed."""


def _require_campaign_member(*, campaign: Campaign, by: AbstractBaseUser) -> None:
    if user_brand_id(by) != campaign.brand_id:
        raise NotAllowed(_("Only the brand's team can change this campaign."))


def _require_brand_in_good_standing(brand: Brand) -> None:
    if brand.status in (ModerationStatus.REJECTED, ModerationStatus.SUSPENDED):
        raise NotAllowed(
            _("Your brand is %(status)s, so its campaigns cannot be changed. %(reason)s")
            % {"status": brand.get_status_display().lower(), "reason": brand.status_reason}
        )


def _campaign_assign(campaign: Campaign, fields: dict) -> None:
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"Not editable campaign fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(campaign, name, value)
    for kind, terms in KIND_TERMS.items():
        if kind != campaign.kind:
            for name in terms:
                setattr(campaign, name, Campaign._meta.get_field(name).get_default())


def _matches_request(*, campaign: Campaign, by: AbstractBaseUser) -> None:
    # The matching engine queues the recompute on commit (campaign_matches_request, engine area).
    campaign_matches_request(campaign=campaign, by=by)


def campaign_create(*, by: AbstractBaseUser, fields: dict, niches: Iterable[Niche] = ()) -> Campaign:
    """A brand member starts a draft campaign for their brand."""
    brand_id = user_brand_id(by)
    if brand_id is None:
        raise NotAllowed(_("Only brand accounts can create campaigns."))
    brand = Brand.objects.get(pk=brand_id)
    _require_brand_in_good_standing(brand)
    campaign = Campaign(brand=brand, created_by=by, status=CampaignStatus.DRAFT)
    _campaign_assign(campaign, fields)
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        campaign.niches.set(niches)
        audit_record(actor=by, action="campaign.created", target=campaign, data={"kind": campaign.kind})
    return campaign


def campaign_update(*, campaign: Campaign, by: AbstractBaseUser, fields: dict, niches: Iterable[Niche]) -> Campaign:
    """Edit a draft, open or paused campaign; the kind is fixed once the campaign was published."""
    _require_campaign_member(campaign=campaign, by=by)
    niche_ids = {niche.pk for niche in niches}
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("brand").get(pk=campaign.pk)
        _require_brand_in_good_standing(locked.brand)
        if locked.status not in EDITABLE_CAMPAIGN_STATUSES:
            raise DomainError(
                _("A campaign that is %(status)s can no longer be edited.")
                % {"status": locked.get_status_display().lower()}
            )
        if locked.status != CampaignStatus.DRAFT and fields.get("kind", locked.kind) != locked.kind:
            raise DomainError(
                _("The kind of a published campaign cannot change: creators answered on these terms."), field="kind"
            )
        before = {name: getattr(locked, name) for name in CAMPAIGN_FIELDS}
        niches_before = set(locked.niches.values_list("pk", flat=True))
        _campaign_assign(locked, fields)
        locked.full_clean()
        changed = [name for name in CAMPAIGN_FIELDS if getattr(locked, name) != before[name]]
        if niche_ids != niches_before:
            changed.append("niches")
        locked.save()
        locked.niches.set(niche_ids)
        audit_record(actor=by, action="campaign.updated", target=locked, data={"changed": changed})
        if changed and locked.status == CampaignStatus.OPEN:
            _matches_request(campaign=locked, by=by)
    return locked


def _campaign_move(
    *, campaign: Campaign, action: str, by: AbstractBaseUser, reason: str = "", extra: dict | None = None
) -> Campaign:
    """Claim the campaign's status with a conditional UPDATE, as collaborations do."""
    _require_campaign_member(campaign=campaign, by=by)
    sources, target = CAMPAIGN_ACTIONS[action]
    current = campaign.status
    if current not in sources:
        verbs = {
            "publish": _("published"),
            "pause": _("paused"),
            "resume": _("resumed"),
            "close": _("closed"),
            "cancel": _("cancelled"),
        }
        raise DomainError(
            _("A campaign that is %(status)s cannot be %(action)s.")
            % {"status": CampaignStatus(current).label.lower(), "action": verbs[action]}
        )
    now = timezone.now()
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign.pk, status=current).update(
            status=target, updated_at=now, **(extra or {})
        )
        if not claimed:
            raise Conflict(_("This campaign was just changed by someone else. Reload to see its current state."))
        campaign.refresh_from_db()
        audit_record(
            actor=by,
            action=f"campaign.{action}",
            target=campaign,
            reason=reason,
            data={"from": current, "to": target},
        )
    return campaign


def campaign_publish(*, campaign: Campaign, by: AbstractBaseUser) -> Campaign:
    """Open a draft to creators and queue its matches."""
    _require_campaign_member(campaign=campaign, by=by)
    brand = campaign.brand
    if brand.status != ModerationStatus.APPROVED:
        raise NotAllowed(_("Your brand must be approved by a moderator before it can publish campaigns."))
    if campaign.moderation_status in (ModerationStatus.REJECTED, ModerationStatus.SUSPENDED):
        raise DomainError(
            _("Moderation %(status)s this campaign: %(reason)s")
            % {"status": campaign.get_moderation_status_display().lower(), "reason": campaign.moderation_reason}
        )
    campaign.full_clean()
    if campaign.ends_on < timezone.localdate():
        raise DomainError(_("This campaign ends in the past; change its dates before publishing."), field="ends_on")
    with transaction.atomic():
        campaign = _campaign_move(campaign=campaign, action="publish", by=by, extra={"published_at": timezone.now()})
        _matches_request(campaign=campaign, by=by)
    return campaign


def campaign_pause(*, campaign: Campaign, by: AbstractBaseUser) -> Campaign:
    """Stop taking applications and invitations for a while; running collaborations go on."""
    return _campaign_move(campaign=campaign, action="pause", by=by)


def campaign_resume(*, campaign: Campaign, by: AbstractBaseUser) -> Campaign:
    _require_campaign_member(campaign=campaign, by=by)
    # Resuming opens the campaign to creators again: not while moderation has suspended the brand.
    _require_brand_in_good_standing(campaign.brand)
    if campaign.ends_on < timezone.localdate():
        raise DomainError(_("This campaign ends in the past; change its dates before resuming."), field="ends_on")
    with transaction.atomic():
        campaign = _campaign_move(campaign=campaign, action="resume", by=by)
        _matches_request(campaign=campaign, by=by)
    return campaign


def _collaborations_wind_down(*, campaign: Campaign, by: AbstractBaseUser, moves: dict[str, str], message: str) -> int:
    """Answer every open invitation/application (and, when cancelling, running work) of a campaign."""
    collaborations = campaign.collaborations.filter(status__in=list(moves)).select_related(
        "influencer", "campaign__brand"
    )
    count = 0
    for collaboration in collaborations:
        collaboration_transition(collaboration=collaboration, to=moves[collaboration.status], by=by, message=message)
        count += 1
    return count


def campaign_close(*, campaign: Campaign, by: AbstractBaseUser) -> Campaign:
    """Complete a campaign whose work is done; open invitations and applications are answered."""
    _require_campaign_member(campaign=campaign, by=by)
    busy = campaign.collaborations.filter(status__in=WORK_IN_PROGRESS).count()
    if busy:
        raise DomainError(
            ngettext(
                "%(count)d collaboration still has work in progress: complete or cancel it first.",
                "%(count)d collaborations still have work in progress: complete or cancel them first.",
                busy,
            )
            % {"count": busy}
        )
    with transaction.atomic():
        campaign = _campaign_move(campaign=campaign, action="close", by=by)
        _collaborations_wind_down(
            campaign=campaign,
            by=by,
            moves={Status.INVITED: Status.WITHDRAWN, Status.APPLIED: Status.DECLINED},
            message=_("The campaign is closed."),
        )
    return campaign


def campaign_cancel(*, campaign: Campaign, by: AbstractBaseUser, reason: str = "") -> Campaign:
    """Call a campaign off: open invitations, applications and unsubmitted work are cancelled."""
    _require_campaign_member(campaign=campaign, by=by)
    in_review = campaign.collaborations.filter(status__in=[Status.CONTENT_SUBMITTED, Status.APPROVED]).count()
    if in_review:
        raise DomainError(
            ngettext(
                "%(count)d collaboration has submitted or approved content: review and complete it first.",
                "%(count)d collaborations have submitted or approved content: review and complete them first.",
                in_review,
            )
            % {"count": in_review}
        )
    reason = (reason or "").strip()
    with transaction.atomic():
        campaign = _campaign_move(campaign=campaign, action="cancel", by=by, reason=reason)
        _collaborations_wind_down(
            campaign=campaign,
            by=by,
            moves={
                Status.INVITED: Status.WITHDRAWN,
                Status.APPLIED: Status.DECLINED,
                Status.ACCEPTED: Status.CANCELLED,
                Status.REVISION_REQUESTED: Status.CANCELLED,
            },
            message=reason or _("The campaign was cancelled."),
        )
    return campaign


CAMPAIGN_ACTION_SERVICES = {
    "publish": campaign_publish,
    "pause": campaign_pause,
    "resume": campaign_resume,
    "close": campaign_close,
    "cancel": campaign_cancel,
}


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
        existing: dict[dt.date, int] = {}
        for period in collaboration.deliverables.exclude(period=None).values_list("period", flat=True):
            existing[period] = existing.get(period, 0) + 1
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


def collaboration_accept(
    *, collaboration: Collaboration, by: AbstractBaseUser, message: str = "", agreed_fee: Decimal | None = None
) -> Collaboration:
    """Accept an invitation (creator) or an application (brand) and plan the deliverables.

    Only the brand sets the agreed fee; a creator accepting an invitation accepts the fee offered.
    """
    party = collaboration_party(collaboration=collaboration, user=by)
    if party == Party.INFLUENCER and agreed_fee is not None:
        raise NotAllowed(_("The brand sets the agreed fee; reply with a message to negotiate."), field="agreed_fee")
    with transaction.atomic():
        collaboration = collaboration_transition(
            collaboration=collaboration, to=Status.ACCEPTED, by=by, message=message, agreed_fee=agreed_fee
        )
        _deliverables_plan(collaboration=collaboration)
    return collaboration


def collaboration_complete(*, collaboration: Collaboration, by: AbstractBaseUser, message: str = "") -> Collaboration:
    """The brand marks approved work as complete once every deliverable is approved."""
    if collaboration_party(collaboration=collaboration, user=by) != Party.BRAND:
        raise NotAllowed(_("Only the brand can mark a collaboration complete."))
    unapproved = collaboration.deliverables.exclude(status=DeliverableStatus.APPROVED).count()
    if unapproved:
        raise DomainError(
            ngettext(
                "%(count)d deliverable is not approved yet.",
                "%(count)d deliverables are not approved yet.",
                unapproved,
            )
            % {"count": unapproved}
        )
    return collaboration_transition(collaboration=collaboration, to=Status.COMPLETED, by=by, message=message)


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


def _collaboration_follow_deliverables(
    *, collaboration: Collaboration, by: AbstractBaseUser, message: str = ""
) -> bool:
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
    by: AbstractBaseUser,
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
    return target


def deliverable_review(
    *, deliverable: Deliverable, by: AbstractBaseUser, approve: bool, comment: str = ""
) -> Deliverable:
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
        if not _collaboration_follow_deliverables(collaboration=locked, by=by, message=comment):
            text = _("“%(deliverable)s” for “%(title)s” is now: %(status)s.") % {
                "deliverable": deliverable,
                "title": locked.campaign.title,
                "status": deliverable.get_status_display().lower(),
            }
            if comment:
                text = f"{text} {comment}"
            notification_send(user=locked.influencer.user, verb=f"deliverable.{new_status}", message=text)
    return deliverable


def giveaway_winners_record(
    *, campaign: Campaign, by: AbstractBaseUser, announced_in: Iterable[Collaboration] = ()
) -> Campaign:
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


def collaboration_message_add(*, collaboration: Collaboration, by: AbstractBaseUser, body: str) -> None:
    """A note from one side of a collaboration to the other, outside any status change."""
    party = collaboration_party(collaboration=collaboration, user=by)
    participation_require(
        step=Step.MESSAGE, campaign=collaboration.campaign, influencer=collaboration.influencer, party=party
    )
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message first."), field="message")
    if "\x00" in body:  # no database column stores NUL (PostgreSQL refuses it with an error)
        raise DomainError(str(ProhibitNullCharactersValidator.message), field="message")
    if len(body) > 4000:
        raise DomainError(_("A message can be at most 4,000 characters long."), field="message")
    with transaction.atomic():
        _add_message(collaboration=collaboration, author=by, body=body)
        text = _("New message about “%(title)s” with @%(handle)s: %(body)s") % {
            "title": collaboration.campaign.title,
            "handle": collaboration.influencer.handle,
            "body": body[:120],
        }
        if party == Party.BRAND:
            notification_send(user=collaboration.influencer.user, verb="collaboration.message", message=text)
        else:
            for member in BrandMember.objects.filter(brand_id=collaboration.campaign.brand_id).select_related("user"):
                notification_send(user=member.user, verb="collaboration.message", message=text)


# What each button on a collaboration page does. The status machine decides who may press which.
COLLABORATION_ACTIONS: dict[str, str] = {
    "accept": Status.ACCEPTED,
    "decline": Status.DECLINED,
    "withdraw": Status.WITHDRAWN,
    "cancel": Status.CANCELLED,
    "complete": Status.COMPLETED,
}


def collaboration_act(
    *,
    collaboration: Collaboration,
    action: str,
    by: AbstractBaseUser,
    message: str = "",
    agreed_fee: Decimal | None = None,
) -> Collaboration:
    """One entry point for the pages and the API: accept, decline, withdraw, cancel or complete."""
    if action not in COLLABORATION_ACTIONS:
        raise DomainError(_("Unknown action: %s") % action)
    if len((message or "").strip()) > 4000:
        raise DomainError(_("A message can be at most 4,000 characters long."), field="message")
    if action == "accept":
        return collaboration_accept(collaboration=collaboration, by=by, message=message, agreed_fee=agreed_fee)
    if action == "complete":
        return collaboration_complete(collaboration=collaboration, by=by, message=message)
    return collaboration_transition(
        collaboration=collaboration, to=COLLABORATION_ACTIONS[action], by=by, message=message
    )


# --- Matching engine triggers (engine area) ------------------------------------------------------
# Imported here, not at the top, so this section stays an append-only block of the shared module.
from influencers.kernel.queueing import enqueue_on_commit  # noqa: E402
from influencers.kernel.runs import run_create  # noqa: E402
from influencers.models import EngineRun  # noqa: E402

MATCHES_TASK = "campaigns.tasks.recompute_campaign_matches_task"


def campaign_matches_request(*, campaign: Campaign, by: AbstractBaseUser | None = None) -> EngineRun:
    """Mark the campaign's matches stale and queue their recompute on commit; returns the run to watch.

    A run that is still queued for this campaign is reused, so repeated requests share one progress bar.
    If the broker is down at commit time the flag stays and the periodic sweep re-enqueues it.
    """
    scope = f"campaign:{campaign.pk}"
    with transaction.atomic():
        now = timezone.now()
        Campaign.objects.filter(pk=campaign.pk, matches_stale_since__isnull=True).update(matches_stale_since=now)
        campaign.matches_stale_since = campaign.matches_stale_since or now
        queued = (
            EngineRun.objects.filter(kind=EngineRun.Kind.MATCHES_CAMPAIGN, scope=scope, status=EngineRun.Status.QUEUED)
            .order_by("-created_at")
            .first()
        )
        run = queued or run_create(kind=EngineRun.Kind.MATCHES_CAMPAIGN, scope=scope, by=by)
        # Publish even for a reused run: its first publish may have been lost; a copy that finds
        # the run already succeeded does nothing.
        enqueue_on_commit(MATCHES_TASK, campaign_id=campaign.pk, run_id=run.pk)
    return run


# --- Deleting a draft (API: DELETE /api/v1/campaigns/{id}/) -------------------------------------
# Added by the API area: a published campaign is closed or cancelled instead, so creators who
# answered it keep its history; a draft nobody has seen can go.


def campaign_delete(*, campaign: Campaign, by: AbstractBaseUser) -> None:
    """Delete a draft campaign of the user's brand, with an audit row on the brand."""
    _require_campaign_member(campaign=campaign, by=by)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("brand").get(pk=campaign.pk)
        if locked.status != CampaignStatus.DRAFT:
            raise DomainError(
                _("Only drafts can be deleted; a %(status)s campaign can be closed or cancelled instead.")
                % {"status": locked.get_status_display().lower()}
            )
        data = {"campaign": locked.pk, "title": locked.title}
        audit_record(actor=by, action="campaign.deleted", target=locked.brand, data=data)
        locked.delete()
