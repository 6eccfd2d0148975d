"""Who is on which side of a collaboration, and its status machine.

Collaboration status changes go through `collaboration_transition`, which checks the edge and the
party against `Collaboration.TRANSITIONS` and claims the row with a conditional UPDATE, so of two
concurrent changes exactly one wins and the other gets a clear Conflict.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import BrandMember
from influencers.access import actor_for
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.notifications import notification_send

from ..models import Collaboration, CollaborationMessage
from ..participation import Step, participation_require

Party = Collaboration.Party
Status = Collaboration.Status


def user_brand_id(user: User) -> int | None:
    """The id of the brand this user works for, or None (the actor's brand: influencers/access.py)."""
    return actor_for(user).brand_id


def collaboration_party(*, collaboration: Collaboration, user: User) -> str:
    """Which side of the collaboration this user is on; NotAllowed when neither (staff included)."""
    actor = actor_for(user)
    if actor.influencer_id is not None and collaboration.influencer_id == actor.influencer_id:
        return Party.INFLUENCER
    if actor.brand_id is not None and collaboration.campaign.brand_id == actor.brand_id:
        return Party.BRAND
    raise NotAllowed(_("You are not part of this collaboration."))


def _add_message(*, collaboration: Collaboration, author: User, body: str) -> None:
    body = (body or "").strip()
    if body:
        CollaborationMessage.objects.create(collaboration=collaboration, author=author, body=body)


def _check_fee(fee: Decimal | None) -> None:
    if fee is not None and (fee < 0 or fee > Decimal("100000000")):
        raise DomainError(_("A fee must be between 0 and 100,000,000."), field="proposed_fee")


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
    by: User,
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
