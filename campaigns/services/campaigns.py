"""Writes on a campaign: create, edit, the brand's lifecycle actions, moderation, matches, deleting a draft."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from brands.models import Brand, BrandMember
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.moderation import moderation_decide
from influencers.kernel.notifications import notification_send
from influencers.kernel.queueing import enqueue_on_commit
from influencers.kernel.runs import run_create
from influencers.models import EngineRun, Niche
from influencers.taxonomy import ModerationStatus

from ..domain import (
    CAMPAIGN_ACTIONS,
    CAMPAIGN_FIELDS,
    EDITABLE_CAMPAIGN_STATUSES,
    WORK_IN_PROGRESS,
)
from ..models import KIND_TERMS, Campaign, Collaboration, term_default
from .transitions import collaboration_transition, user_brand_id

Status = Collaboration.Status
CampaignStatus = Campaign.Status


def campaign_moderate(*, campaign: Campaign, decision: str, reason: str, by: User) -> Campaign:
    decided = moderation_decide(
        target=campaign,
        decision=decision,
        reason=reason,
        by=by,
        status_field="moderation_status",
        reason_field="moderation_reason",
    )
    campaign = decided
    message = _("Campaign “%(title)s” is now %(status)s by moderation.") % {
        "title": campaign.title,
        "status": campaign.get_moderation_status_display().lower(),
    }
    if reason:
        message = f"{message} {reason}"
    for member in BrandMember.objects.filter(brand_id=campaign.brand_id).select_related("user"):
        notification_send(user=member.user, verb=f"moderation.{decision}", message=message)
    return campaign


def _require_campaign_member(*, campaign: Campaign, by: User) -> None:
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
                setattr(campaign, name, term_default(name))


def _matches_request(*, campaign: Campaign, by: User) -> None:
    # The matching engine queues the recompute on commit (campaign_matches_request).
    campaign_matches_request(campaign=campaign, by=by)


def campaign_create(*, by: User, fields: dict, niches: Iterable[Niche] = ()) -> Campaign:
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


def campaign_update(*, campaign: Campaign, by: User, fields: dict, niches: Iterable[Niche]) -> Campaign:
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
    *, campaign: Campaign, action: str, by: User, reason: str = "", extra: dict | None = None
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


def campaign_publish(*, campaign: Campaign, by: User) -> Campaign:
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


def campaign_pause(*, campaign: Campaign, by: User) -> Campaign:
    """Stop taking applications and invitations for a while; running collaborations go on."""
    return _campaign_move(campaign=campaign, action="pause", by=by)


def campaign_resume(*, campaign: Campaign, by: User) -> Campaign:
    _require_campaign_member(campaign=campaign, by=by)
    # Resuming opens the campaign to creators again: not while moderation has suspended the brand.
    _require_brand_in_good_standing(campaign.brand)
    if campaign.ends_on < timezone.localdate():
        raise DomainError(_("This campaign ends in the past; change its dates before resuming."), field="ends_on")
    with transaction.atomic():
        campaign = _campaign_move(campaign=campaign, action="resume", by=by)
        _matches_request(campaign=campaign, by=by)
    return campaign


def _collaborations_wind_down(*, campaign: Campaign, by: User, moves: dict[str, str], message: str) -> int:
    """Answer every open invitation/application (and, when cancelling, running work) of a campaign."""
    collaborations = campaign.collaborations.filter(status__in=list(moves)).select_related(
        "influencer", "campaign__brand"
    )
    count = 0
    for collaboration in collaborations:
        collaboration_transition(collaboration=collaboration, to=moves[collaboration.status], by=by, message=message)
        count += 1
    return count


def campaign_close(*, campaign: Campaign, by: User) -> Campaign:
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


def campaign_cancel(*, campaign: Campaign, by: User, reason: str = "") -> Campaign:
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


MATCHES_TASK = "campaigns.tasks.recompute_campaign_matches_task"


def campaign_matches_request(*, campaign: Campaign, by: User | None = None) -> EngineRun:
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


# A published campaign is closed or cancelled instead, so creators who answered it keep its
# history; a draft nobody has seen can go.
def campaign_delete(*, campaign: Campaign, by: User) -> None:
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
