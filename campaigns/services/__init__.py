"""Writes for campaigns, collaborations and deliverables, one module per thing they act on.

transitions.py holds the collaboration status machine the others build on; campaigns.py the campaign's
lifecycle; deliverables.py planning, submitting and reviewing work; collaborations.py invitations,
applications and the action buttons; payments.py the payment ledger and brand payment terms; reviews.py
two-sided reviews; punctuality.py the stored copy of each creator's delivery punctuality that
discovery filters and sorts by; draws.py a giveaway's verifiable draw. The vocabulary reads share with them lives in
campaigns/domain.py.
Every public name is re-exported here, so callers import from `campaigns.services`.
"""

from ..domain import (
    CAMPAIGN_ACTIONS,
    CAMPAIGN_FIELDS,
    COLLABORATION_ACTIONS,
    EDITABLE_CAMPAIGN_STATUSES,
    OPEN_DELIVERABLE_STATUSES,
    SUBMITTABLE_STATUSES,
    WORK_IN_PROGRESS,
)
from ..models import KIND_TERMS
from .campaigns import (
    CAMPAIGN_ACTION_SERVICES,
    MATCHES_TASK,
    campaign_cancel,
    campaign_close,
    campaign_create,
    campaign_delete,
    campaign_matches_request,
    campaign_moderate,
    campaign_pause,
    campaign_publish,
    campaign_resume,
    campaign_update,
)
from .collaborations import (
    collaboration_accept,
    collaboration_act,
    collaboration_apply,
    collaboration_complete,
    collaboration_invite,
    collaboration_message_add,
)
from .deliverables import (
    DisclosureMissing,
    ad_disclosure_find,
    deliverable_review,
    deliverable_submit,
    giveaway_winners_record,
)
from .draws import draw_commit, draw_entries_upload, draw_run
from .payments import (
    ledger_overdue_notify,
    ledger_payable_correct,
    ledger_payables_open,
    ledger_payment_confirm,
    ledger_payment_dispute,
    ledger_payment_mark_sent,
    payment_terms_set,
)
from .punctuality import (
    delivery_punctuality_refresh_all,
    influencer_delivery_punctuality_store,
)
from .reviews import review_moderate, review_reply, review_submit
from .transitions import TRANSITION_STEPS, collaboration_party, collaboration_transition, user_brand_id

__all__ = [
    "CAMPAIGN_ACTIONS",
    "CAMPAIGN_ACTION_SERVICES",
    "CAMPAIGN_FIELDS",
    "COLLABORATION_ACTIONS",
    "EDITABLE_CAMPAIGN_STATUSES",
    "KIND_TERMS",
    "MATCHES_TASK",
    "OPEN_DELIVERABLE_STATUSES",
    "SUBMITTABLE_STATUSES",
    "TRANSITION_STEPS",
    "WORK_IN_PROGRESS",
    "DisclosureMissing",
    "ad_disclosure_find",
    "campaign_cancel",
    "campaign_close",
    "campaign_create",
    "campaign_delete",
    "campaign_matches_request",
    "campaign_moderate",
    "campaign_pause",
    "campaign_publish",
    "campaign_resume",
    "campaign_update",
    "collaboration_accept",
    "collaboration_act",
    "collaboration_apply",
    "collaboration_complete",
    "collaboration_invite",
    "collaboration_message_add",
    "collaboration_party",
    "collaboration_transition",
    "deliverable_review",
    "deliverable_submit",
    "delivery_punctuality_refresh_all",
    "draw_commit",
    "draw_entries_upload",
    "draw_run",
    "giveaway_winners_record",
    "influencer_delivery_punctuality_store",
    "ledger_overdue_notify",
    "ledger_payable_correct",
    "ledger_payables_open",
    "ledger_payment_confirm",
    "ledger_payment_dispute",
    "ledger_payment_mark_sent",
    "payment_terms_set",
    "review_moderate",
    "review_reply",
    "review_submit",
    "user_brand_id",
]
