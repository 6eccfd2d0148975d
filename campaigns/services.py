"""Writes for campaigns and collaborations.

Collaboration status changes go through `collaboration_transition`, which checks the edge and the
party against `Collaboration.TRANSITIONS` and claims the row with a conditional UPDATE, so of two
concurrent changes exactly one wins and the other gets a clear Conflict.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import BrandMember
from influencers.errors import Conflict, DomainError, NotAllowed
from influencers.models import Influencer, Offer
from influencers.services import audit_record, moderation_decide, notification_send
from influencers.taxonomy import ModerationStatus

from .models import Campaign, Collaboration, CollaborationMessage

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
    """The id of the brand this user works for, or None."""
    if not user.is_authenticated:
        return None
    return BrandMember.objects.filter(user=user).values_list("brand_id", flat=True).first()


def collaboration_party(*, collaboration: Collaboration, user: AbstractBaseUser) -> str:
    """Which side of the collaboration this user is on; NotAllowed when neither."""
    if user.is_authenticated:
        if collaboration.influencer.user_id == user.pk:
            return Party.INFLUENCER
        if user_brand_id(user) == collaboration.campaign.brand_id:
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
    if not campaign.brand.can_invite:
        raise NotAllowed(_("Your brand must be approved by a moderator before it can invite creators."))
    if campaign.status not in (Campaign.Status.OPEN, Campaign.Status.IN_PROGRESS):
        raise DomainError(_("Publish the campaign before inviting creators."))
    if not influencer.is_visible_to_brands:
        raise DomainError(_("This creator cannot be invited right now."))
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
    if influencer.status != ModerationStatus.APPROVED:
        raise DomainError(_("Your profile must be approved by a moderator before you can apply."))
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
        )
    else:
        for member in BrandMember.objects.filter(brand_id=campaign.brand_id).select_related("user"):
            notification_send(
                user=member.user,
                verb="collaboration.applied",
                message=_("@%(handle)s applied to “%(title)s”.")
                % {"handle": influencer.handle, "title": campaign.title},
            )
    return collaboration


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
        notification_send(user=collaboration.influencer.user, verb=verb, message=text)
    else:
        for member in BrandMember.objects.filter(brand_id=collaboration.campaign.brand_id).select_related("user"):
            notification_send(user=member.user, verb=verb, message=text)


# --- Matching engine triggers (engine area) ------------------------------------------------------
# Imported here, not at the top, so this section stays an append-only block of the shared module.
from influencers.models import EngineRun  # noqa: E402
from influencers.queueing import enqueue_on_commit  # noqa: E402
from influencers.runs import run_create  # noqa: E402

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
