"""Writes on collaborations: invitations, applications, accepting, completing, messages, the action buttons."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from brands.models import BrandMember
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.notifications import notification_send
from influencers.models import Influencer, Offer
from influencers.taxonomy import ModerationStatus

from ..domain import COLLABORATION_ACTIONS
from ..models import Campaign, Collaboration, Deliverable
from ..participation import Step, participation_require
from ..webhook_models import EventType
from ..webhooks import webhook_collaboration_event
from .deliverables import _deliverables_plan
from .transitions import (
    _add_message,
    _brand_url,
    _check_fee,
    _influencer_url,
    collaboration_party,
    collaboration_transition,
    user_brand_id,
)

Party = Collaboration.Party
Status = Collaboration.Status
DeliverableStatus = Deliverable.Status


def collaboration_invite(
    *,
    campaign: Campaign,
    influencer: Influencer,
    by: User,
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
    by: User,
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
    by: User,
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
            webhook_collaboration_event(
                event_type=EventType.COLLABORATION_INVITED
                if initiated_by == Party.BRAND
                else EventType.COLLABORATION_APPLIED,
                collaboration=collaboration,
            )
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


def collaboration_accept(
    *, collaboration: Collaboration, by: User, message: str = "", agreed_fee: Decimal | None = None
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
        webhook_collaboration_event(event_type=EventType.COLLABORATION_ACCEPTED, collaboration=collaboration)
    return collaboration


def collaboration_complete(*, collaboration: Collaboration, by: User, message: str = "") -> Collaboration:
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


def collaboration_message_add(*, collaboration: Collaboration, by: User, body: str) -> None:
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


def collaboration_act(
    *,
    collaboration: Collaboration,
    action: str,
    by: User,
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
