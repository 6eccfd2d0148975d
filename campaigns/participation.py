"""May this brand, campaign and creator take part now? The one place moderation status is checked.

Every collaboration step calls `participation_require` before it writes: invitations, applications,
acceptances (starting work), content submissions, reviews, completions and messages. Pages, htmx
partials and the API reach these steps only through campaigns/services/, so the answer is the same
everywhere. The policy (README, "Moderation policy"):

- **Starting work** (invite, apply, accept an invitation or application) needs all three in good
  standing: the brand approved, the campaign not rejected or suspended by moderation, the creator
  approved and not paused.
- **Work in progress** goes on where stopping it would hurt the other side: a suspended brand can
  still review, approve, complete and cancel its running collaborations (so creators get paid), and
  creators may still hand in content for it. A suspended or rejected creator cannot hand in content,
  and nobody hands in content for a campaign moderation stopped.
- **Messages**: the sender's side must not be suspended or rejected (the other side may be).
- **Winding down** (decline, withdraw, cancel) is always allowed, for everyone.
- **Giveaway draws** (upload entries, commit, draw) need both parties and the campaign not stopped by
  moderation: a suspended brand or creator cannot pick winners, and neither can the other side for them.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from brands.models import Brand
from influencers.access import STOPPED
from influencers.kernel.errors import NotAllowed
from influencers.models import Influencer
from influencers.taxonomy import ModerationStatus

from .models import Campaign, Collaboration

Party = Collaboration.Party


class Step(StrEnum):
    START = "start"  # invite, apply, accept
    SUBMIT = "submit"  # the creator hands in content
    SETTLE = "settle"  # the brand reviews, approves, completes
    MESSAGE = "message"
    WIND_DOWN = "wind_down"  # decline, withdraw, cancel
    DRAW = "draw"  # a giveaway's entries uploaded, committed, drawn


def _with_reason(text: str, reason: str) -> str:
    return f"{text} {reason}".strip() if reason else text


def _brand_refusal(brand: Brand, *, mine: bool) -> str | None:
    if brand.status == ModerationStatus.APPROVED:
        return None
    if brand.status == ModerationStatus.PENDING:
        if mine:
            return _("Your brand must be approved by a moderator before it can work with creators.")
        return _("This brand is not yet approved by a moderator, so it cannot take on creators.")
    status = brand.get_status_display().lower()
    if mine:
        return _with_reason(
            _(
                "Your brand is %(status)s by moderation: it must be approved by a moderator again "
                "before it can start new collaborations."
            )
            % {"status": status},
            brand.status_reason,
        )
    return _("This brand cannot take on creators right now.")


def _campaign_refusal(campaign: Campaign, *, mine: bool) -> str | None:
    if campaign.moderation_status not in STOPPED:
        return None
    if mine:
        return _with_reason(
            _("Moderation %(status)s this campaign, so it cannot take on creators.")
            % {"status": campaign.get_moderation_status_display().lower()},
            campaign.moderation_reason,
        )
    return _("This campaign is not open to creators right now.")


def _creator_refusal(influencer: Influencer, *, mine: bool, step: Step) -> str | None:
    if influencer.status == ModerationStatus.APPROVED and (influencer.is_active or step != Step.START):
        return None
    if not mine:
        return _("This creator cannot be invited or accepted right now.")
    if influencer.status == ModerationStatus.PENDING:
        return _("Your profile must be approved by a moderator before you can take part in campaigns.")
    if influencer.status in STOPPED:
        return _with_reason(
            _("Your profile is %(status)s by moderation, so you cannot take part in campaigns.")
            % {"status": influencer.get_status_display().lower()},
            influencer.status_reason,
        )
    return _("Your profile is paused: resume it on your profile page to take on new work.")


def participation_refusal(*, step: Step, campaign: Campaign, influencer: Influencer, party: str) -> str | None:
    """Why this step cannot be taken now by `party` (brand or influencer), or None when it can."""
    brand_side = party == Party.BRAND
    if step == Step.START:
        return (
            _brand_refusal(campaign.brand, mine=brand_side)
            or _campaign_refusal(campaign, mine=brand_side)
            or _creator_refusal(influencer, mine=not brand_side, step=step)
        )
    if step == Step.SUBMIT:
        return _creator_refusal(influencer, mine=True, step=step) or _campaign_refusal(campaign, mine=False)
    if step == Step.MESSAGE:
        sender = campaign.brand if brand_side else influencer
        if sender.status not in STOPPED:
            return None
        text = (
            _("Your brand is %(status)s by moderation, so it cannot send messages.")
            if brand_side
            else _("Your profile is %(status)s by moderation, so you cannot send messages.")
        )
        return _with_reason(text % {"status": sender.get_status_display().lower()}, sender.status_reason)
    if step == Step.DRAW:
        return _draw_refusal(campaign=campaign, influencer=influencer, brand_side=brand_side)
    return None  # settling and winding down existing work stay possible


def _draw_refusal(*, campaign: Campaign, influencer: Influencer, brand_side: bool) -> str | None:
    own, other = (campaign.brand, influencer) if brand_side else (influencer, campaign.brand)
    if own.status in STOPPED:
        text = (
            _("Your brand is %(status)s by moderation, so it cannot run a giveaway draw.")
            if brand_side
            else _("Your profile is %(status)s by moderation, so you cannot run a giveaway draw.")
        )
        return _with_reason(text % {"status": own.get_status_display().lower()}, own.status_reason)
    if other.status in STOPPED:
        return _("The other side of this collaboration is stopped by moderation, so no draw can run now.")
    return _campaign_refusal(campaign, mine=brand_side)


def participation_require(*, step: Step, campaign: Campaign, influencer: Influencer, party: str) -> None:
    """Raise NotAllowed (403, with the reason) when this step may not be taken now; write nothing first."""
    refusal = participation_refusal(step=step, campaign=campaign, influencer=influencer, party=party)
    if refusal:
        raise NotAllowed(refusal)
