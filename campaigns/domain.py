"""Campaign vocabulary shared by reads and writes: editable fields, actions and status groups.

Selectors, serializers, forms and views import these from here, so reading never imports the services.
"""

from __future__ import annotations

from .models import KIND_TERMS, Campaign, Collaboration, Deliverable

Status = Collaboration.Status
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

# What each button on a collaboration page does. The status machine decides who may press which.
COLLABORATION_ACTIONS: dict[str, str] = {
    "accept": Status.ACCEPTED,
    "decline": Status.DECLINED,
    "withdraw": Status.WITHDRAWN,
    "cancel": Status.CANCELLED,
    "complete": Status.COMPLETED,
}
