"""Reads for campaign and collaboration pages, each scoped to the brand or creator asking.

Every function that takes an id narrows the queryset to what the caller may see first, so a
foreign id is simply "not found" (404), never "forbidden" (which would confirm it exists).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from influencers.access import Actor
from influencers.metrics.formulas import PostCounts, post_engagement
from influencers.models import Influencer, Post

from .domain import COLLABORATION_ACTIONS, WORK_IN_PROGRESS
from .ledger import overdue_for
from .matching.engine import campaigns_for_influencer
from .models import Campaign, Collaboration, CollaborationMessage, Deliverable, Match

Status = Collaboration.Status
Party = Collaboration.Party
DeliverableStatus = Deliverable.Status
# Collaborations whose agreed fee the brand owes: accepted, working or done.
FEE_STATUSES = WORK_IN_PROGRESS | {Status.COMPLETED}
# Review tab order: what waits for the brand first, approved work last.
REVIEW_ORDER = Case(
    When(status=DeliverableStatus.SUBMITTED, then=Value(0)),
    When(status=DeliverableStatus.REVISION_REQUESTED, then=Value(1)),
    When(status=DeliverableStatus.PENDING, then=Value(2)),
    default=Value(3),
)


# --- Brand side ------------------------------------------------------------------------------


def campaigns_for_brand(*, brand_id: int, status: str = "") -> QuerySet[Campaign]:
    """The brand's campaigns with what needs attention in each (three counts, one query)."""
    campaigns = Campaign.objects.filter(brand_id=brand_id)
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.annotate(
        applications_waiting=Count("collaborations", filter=Q(collaborations__status=Status.APPLIED), distinct=True),
        collaborations_active=Count(
            "collaborations", filter=Q(collaborations__status__in=WORK_IN_PROGRESS), distinct=True
        ),
        deliverables_to_review=Count(
            "collaborations__deliverables",
            filter=Q(collaborations__deliverables__status=DeliverableStatus.SUBMITTED),
            distinct=True,
        ),
    ).order_by("-created_at")


def campaign_managed(*, actor: Actor, pk: int) -> Campaign:
    """One campaign the actor's brand runs; any other id is a 404."""
    return get_object_or_404(Campaign.objects.managed_by(actor).select_related("brand"), pk=pk)


def _messages_prefetch() -> Prefetch:
    return Prefetch("messages", queryset=CollaborationMessage.objects.select_related("author").order_by("created_at"))


def _match_score(campaign_id: OuterRef | int) -> Subquery:
    return Subquery(
        Match.objects.filter(campaign_id=campaign_id, influencer_id=OuterRef("influencer_id")).values("score")[:1]
    )


def collaborations_of_campaign(*, campaign: Campaign, statuses: list[str] | None = None) -> QuerySet[Collaboration]:
    collaborations = campaign.collaborations.select_related("influencer", "offer").prefetch_related(
        _messages_prefetch()
    )
    if statuses is not None:
        collaborations = collaborations.filter(status__in=statuses)
    return collaborations.annotate(match_score=_match_score(campaign.pk)).order_by("-status_changed_at")


def applications_inbox(*, campaign: Campaign) -> QuerySet[Collaboration]:
    """Applications waiting for an answer, oldest first; only from creators brands may see."""
    return (
        campaign.collaborations.filter(status=Status.APPLIED, influencer__in=Influencer.objects.visible_to_brands())
        .select_related("influencer", "offer")
        .prefetch_related(_messages_prefetch())
        .annotate(match_score=_match_score(campaign.pk))
        .order_by("created_at")
    )


def collaboration_for_brand(*, campaign: Campaign, pk: int) -> Collaboration:
    return get_object_or_404(
        campaign.collaborations.select_related("influencer", "offer", "campaign__brand").prefetch_related(
            _messages_prefetch(), "deliverables"
        ),
        pk=pk,
    )


def deliverable_for_brand(*, campaign: Campaign, pk: int) -> Deliverable:
    return get_object_or_404(
        Deliverable.objects.filter(collaboration__campaign=campaign).select_related(
            "collaboration__influencer", "collaboration__campaign"
        ),
        pk=pk,
    )


def deliverables_of_campaign(*, campaign: Campaign) -> QuerySet[Deliverable]:
    """Every deliverable of the campaign: waiting for review first, then by due date and period."""
    return (
        Deliverable.objects.filter(collaboration__campaign=campaign)
        .select_related("collaboration__influencer", "post__account")
        .annotate(review_order=REVIEW_ORDER)
        .order_by("review_order", "period", "due_date", "pk")
    )


def brand_attention(*, brand_id: int) -> dict[str, int]:
    """What waits for the brand across all its campaigns."""
    collaborations = Collaboration.objects.filter(campaign__brand_id=brand_id)
    return {
        "applications": collaborations.filter(status=Status.APPLIED).count(),
        "to_review": Deliverable.objects.filter(
            collaboration__campaign__brand_id=brand_id, status=DeliverableStatus.SUBMITTED
        ).count(),
        "to_complete": collaborations.filter(status=Status.APPROVED)
        .exclude(deliverables__status__in=[DeliverableStatus.PENDING, DeliverableStatus.SUBMITTED])
        .count(),
    }


def brand_dashboard_panel(brand: Brand) -> dict[str, object]:
    """The campaign part of the brand dashboard (registered in brands.views.dashboard_panels)."""
    return {
        "attention": brand_attention(brand_id=brand.pk),
        "recent_campaigns": campaigns_for_brand(brand_id=brand.pk)[:5],
        "overdue_payments": overdue_for(brand_id=brand.pk),
    }


# --- Campaign report --------------------------------------------------------------------------


@dataclass
class ReportRow:
    collaboration: Collaboration
    deliverables: list[Deliverable]
    engagements: int | None
    measured_posts: int
    estimated_reach: int | None

    @property
    def cost_per_engagement(self) -> Decimal | None:
        fee = self.collaboration.agreed_fee
        if fee is None or not self.engagements:
            return None
        return fee / self.engagements


@dataclass
class CampaignReport:
    rows: list[ReportRow] = field(default_factory=list)
    fees_agreed: Decimal = Decimal("0")
    fees_measured: Decimal = Decimal("0")
    engagements: int = 0
    measured_posts: int = 0
    estimated_reach: int = 0
    reach_known: int = 0
    deliverables_by_status: dict[str, int] = field(default_factory=dict)
    latest_metrics_at: dt.datetime | None = None

    @property
    def cost_per_engagement(self) -> Decimal | None:
        if not self.engagements:
            return None
        return self.fees_measured / self.engagements


def _engagement(post: Post) -> int | None:
    counts = PostCounts(
        posted_at=post.posted_at, likes=post.likes, comments=post.comments, shares=post.shares, views=post.views
    )
    return post_engagement(post.account.platform, counts)


def campaign_report(*, campaign: Campaign) -> CampaignReport:
    """Collaborations, deliverables and fees, plus the engagement of linked posts once metrics arrive.

    A deliverable's post is the one it was linked to at submission, or a post of the creator's
    imported since then at the submitted link. Cost per engagement counts only collaborations with
    at least one measured post, so unmeasured work does not make the figure look cheap.
    """
    collaborations = list(
        campaign.collaborations.exclude(status__in=[Status.INVITED, Status.APPLIED])
        .select_related("influencer")
        .prefetch_related(Prefetch("deliverables", queryset=Deliverable.objects.select_related("post__account")))
        .order_by("influencer__handle")
    )
    urls = {d.submitted_url for c in collaborations for d in c.deliverables.all() if d.submitted_url and not d.post}
    posts_by_url: dict[tuple[int, str], Post] = {}
    if urls:
        for post in Post.objects.filter(
            url__in=urls, account__influencer__in=[c.influencer_id for c in collaborations]
        ).select_related("account"):
            posts_by_url[(post.account.influencer_id, post.url)] = post
    reach = dict(
        Match.objects.filter(campaign=campaign, influencer__in=[c.influencer_id for c in collaborations]).values_list(
            "influencer_id", "estimated_reach"
        )
    )
    report = CampaignReport()
    for collaboration in collaborations:
        deliverables = list(collaboration.deliverables.all())
        engagements, measured = 0, 0
        for deliverable in deliverables:
            label = deliverable.get_status_display()
            report.deliverables_by_status[label] = report.deliverables_by_status.get(label, 0) + 1
            linked = deliverable.post or posts_by_url.get((collaboration.influencer_id, deliverable.submitted_url))
            deliverable.linked_post = linked
            deliverable.engagement = _engagement(linked) if linked else None
            if linked is not None and deliverable.engagement is not None:
                engagements += deliverable.engagement
                measured += 1
                if report.latest_metrics_at is None or linked.updated_at > report.latest_metrics_at:
                    report.latest_metrics_at = linked.updated_at
        row = ReportRow(
            collaboration=collaboration,
            deliverables=deliverables,
            engagements=engagements if measured else None,
            measured_posts=measured,
            estimated_reach=reach.get(collaboration.influencer_id),
        )
        report.rows.append(row)
        if collaboration.agreed_fee is not None and collaboration.status in FEE_STATUSES:
            report.fees_agreed += collaboration.agreed_fee
            if measured:
                report.fees_measured += collaboration.agreed_fee
        report.engagements += engagements
        report.measured_posts += measured
        if row.estimated_reach is not None:
            report.estimated_reach += row.estimated_reach
            report.reach_known += 1
    return report


# --- Creator side -----------------------------------------------------------------------------


def _fallback_opportunities(influencer: Influencer) -> list[Campaign]:
    """Open public campaigns in the creator's niches or on their platforms (used until the engine ranks them)."""
    niche_ids = list(influencer.niches.values_list("pk", flat=True))
    platforms = set(influencer.accounts.values_list("platform", flat=True))
    campaigns = (
        Campaign.objects.open()
        .public()
        .filter(ends_on__gte=timezone.localdate())
        .exclude(collaborations__influencer=influencer)
        .select_related("brand")
        .prefetch_related("niches")
        .order_by("-published_at", "-pk")
    )
    if not niche_ids and not platforms:
        return list(campaigns[:50])
    matching = campaigns.filter(niches__in=niche_ids).distinct() if niche_ids else Campaign.objects.none()
    by_niche = list(matching[:50])
    seen = {campaign.pk for campaign in by_niche}
    # JSON list containment differs between SQLite and PostgreSQL; the platform test runs here.
    by_platform = [c for c in campaigns[:200] if c.pk not in seen and platforms.intersection(c.platforms)]
    return (by_niche + by_platform)[:50]


def opportunities_for_influencer(*, influencer: Influencer, limit: int = 20) -> tuple[list[Campaign], list[Campaign]]:
    """Open public campaigns for this creator: those the matching engine recommends (best first, each
    with `match_score` and `match_explanation`), and other open ones in their niches or platforms.

    The engine only scores approved, active profiles; a pending creator sees the second list only.
    """
    recommended = []
    for recommendation in campaigns_for_influencer(influencer.pk, limit=limit):
        campaign = recommendation.campaign
        campaign.match_score = recommendation.score
        campaign.match_explanation = recommendation.explanation
        campaign.match_reach = recommendation.estimated_reach
        recommended.append(campaign)
    seen = {campaign.pk for campaign in recommended}
    others = [campaign for campaign in _fallback_opportunities(influencer) if campaign.pk not in seen]
    return recommended, others


def campaign_for_influencer(*, influencer: Influencer, pk: int) -> Campaign:
    """A campaign this creator may look at: open and public, or one they were invited to or work on."""
    visible = Campaign.objects.filter(
        Q(pk__in=Campaign.objects.open().public().values("pk")) | Q(collaborations__influencer=influencer)
    ).distinct()
    return get_object_or_404(visible.select_related("brand").prefetch_related("niches"), pk=pk)


def collaborations_for_influencer(*, influencer: Influencer, statuses: list[str] | None = None) -> QuerySet:
    collaborations = Collaboration.objects.filter(influencer=influencer).select_related("campaign__brand")
    if statuses is not None:
        collaborations = collaborations.filter(status__in=statuses)
    return collaborations.annotate(
        deliverables_open=Count(
            "deliverables",
            filter=Q(deliverables__status__in=[DeliverableStatus.PENDING, DeliverableStatus.REVISION_REQUESTED]),
        ),
    ).order_by("-status_changed_at")


def invitations_for_influencer(*, influencer: Influencer) -> QuerySet[Collaboration]:
    return (
        Collaboration.objects.filter(influencer=influencer, status=Status.INVITED)
        .select_related("campaign__brand", "offer")
        .prefetch_related(_messages_prefetch())
        .order_by("-created_at")
    )


def collaboration_for_influencer(*, influencer: Influencer, pk: int) -> Collaboration:
    return get_object_or_404(
        Collaboration.objects.filter(influencer=influencer)
        .select_related("campaign__brand", "offer", "influencer")
        .prefetch_related(_messages_prefetch(), "deliverables"),
        pk=pk,
    )


def influencer_attention(*, influencer: Influencer) -> dict[str, int]:
    """What waits for the creator: invitations to answer and content to hand in."""
    collaborations = Collaboration.objects.filter(influencer=influencer)
    return {
        "invitations": collaborations.filter(status=Status.INVITED).count(),
        "to_submit": Deliverable.objects.filter(
            collaboration__influencer=influencer,
            collaboration__status__in=WORK_IN_PROGRESS,
            status__in=[DeliverableStatus.PENDING, DeliverableStatus.REVISION_REQUESTED],
        ).count(),
        "revisions": collaborations.filter(status=Status.REVISION_REQUESTED).count(),
        "active": collaborations.filter(status__in=WORK_IN_PROGRESS).count(),
    }


# --- What happens next --------------------------------------------------------------------------


def collaboration_next_step(collaboration: Collaboration, party: str) -> str:
    """One sentence telling this side of the collaboration what happens next."""
    status = collaboration.status
    mine = party == Party.BRAND
    steps: dict[str, tuple[str, str]] = {
        # status: (what the brand sees, what the creator sees)
        Status.INVITED: (
            _("Waiting for the creator to answer your invitation."),
            _("Accept or decline the invitation."),
        ),
        Status.APPLIED: (
            _("Accept or decline this application."),
            _("Waiting for the brand to answer your application."),
        ),
        Status.ACCEPTED: (_("Waiting for the creator's content."), _("Create the content and submit it for review.")),
        Status.CONTENT_SUBMITTED: (_("Review the submitted content."), _("Waiting for the brand's review.")),
        Status.REVISION_REQUESTED: (
            _("Waiting for the creator's revision."),
            _("Read the brand's comment and submit a revised version."),
        ),
        Status.APPROVED: (
            _("Mark the collaboration complete once every deliverable is approved."),
            _("Content approved. Submit the next deliverable, if any; the brand completes the collaboration."),
        ),
        Status.COMPLETED: (_("Completed."), _("Completed. Thank you!")),
        Status.DECLINED: (_("Declined; nothing more to do."), _("Declined; nothing more to do.")),
        Status.WITHDRAWN: (_("Withdrawn; nothing more to do."), _("Withdrawn; nothing more to do.")),
        Status.CANCELLED: (_("Cancelled; nothing more to do."), _("Cancelled; nothing more to do.")),
    }
    brand_step, creator_step = steps[status]
    return brand_step if mine else creator_step


def collaboration_actions(collaboration: Collaboration, party: str) -> list[dict]:
    """The buttons this side may press now (deliverable submissions and reviews have their own forms)."""
    labels = {
        "accept": _("Accept"),
        "decline": _("Decline"),
        "withdraw": _("Withdraw"),
        "cancel": _("Cancel the collaboration"),
        "complete": _("Mark complete"),
    }
    by_status = {status: action for action, status in COLLABORATION_ACTIONS.items()}
    return [
        {
            "name": by_status[status],
            "label": labels[by_status[status]],
            "danger": by_status[status] in ("cancel", "withdraw", "decline"),
        }
        for status in collaboration.next_statuses(party)
        if status in by_status
    ]
