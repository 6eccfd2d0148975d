"""API v1 routes, mounted at /api/v1/ (namespace "api"). One module per app holds the views.

Ids are at most 18 digits and handles follow the handle rule, so no path value can overflow a
database integer; any other address under /api/v1/ answers the JSON 404 of the error shape.
"""

from django.urls import path, re_path, register_converter

from brands import api as brands_api
from campaigns import api as campaigns_api
from campaigns import draw_api, ledger_api, webhook_api
from influencers import api as influencers_api

from .api_errors import api_not_found


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class HandleConverter:
    regex = influencers_api.HANDLE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "id")
register_converter(HandleConverter, "handle")

app_name = "api"

urlpatterns = [
    # Discovery and profiles (brands and staff)
    path("influencers/", influencers_api.InfluencerListApi.as_view(), name="influencer-list"),
    path("influencers/<handle:handle>/", influencers_api.InfluencerDetailApi.as_view(), name="influencer-detail"),
    path(
        "influencers/<handle:handle>/similar/",
        influencers_api.InfluencerSimilarApi.as_view(),
        name="influencer-similar",
    ),
    path("audience-overlap/", influencers_api.AudienceOverlapApi.as_view(), name="audience-overlap"),
    path(
        "influencers/<handle:handle>/follower-history/",
        influencers_api.InfluencerFollowerHistoryApi.as_view(),
        name="influencer-follower-history",
    ),
    path(
        "influencers/<handle:handle>/engagement/",
        influencers_api.InfluencerEngagementApi.as_view(),
        name="influencer-engagement",
    ),
    # The creator's own records
    path(
        "influencers/<handle:handle>/reputation/",
        ledger_api.InfluencerReputationApi.as_view(),
        name="influencer-reputation",
    ),
    path("me/profile/", influencers_api.MyProfileApi.as_view(), name="me-profile"),
    path("me/accounts/", influencers_api.MyAccountListApi.as_view(), name="me-account-list"),
    path("me/accounts/<id:pk>/", influencers_api.MyAccountDetailApi.as_view(), name="me-account-detail"),
    path("me/audience/", influencers_api.MyAudienceApi.as_view(), name="me-audience"),
    path("me/offers/", influencers_api.MyOfferListApi.as_view(), name="me-offer-list"),
    path("me/offers/<id:pk>/", influencers_api.MyOfferDetailApi.as_view(), name="me-offer-detail"),
    path("me/opportunities/", campaigns_api.MyOpportunitiesApi.as_view(), name="me-opportunities"),
    path("metrics/imports/", influencers_api.MetricsImportApi.as_view(), name="metrics-import"),
    # The caller's brand and shortlists
    path("brands/me/", brands_api.MyBrandApi.as_view(), name="brand-me"),
    path("brands/me/payment-terms/", ledger_api.MyPaymentTermsApi.as_view(), name="brand-payment-terms"),
    path("shortlists/", brands_api.ShortlistListApi.as_view(), name="shortlist-list"),
    path("shortlists/<id:pk>/", brands_api.ShortlistDetailApi.as_view(), name="shortlist-detail"),
    path("shortlists/<id:pk>/entries/", brands_api.ShortlistEntryListApi.as_view(), name="shortlist-entry-list"),
    path(
        "shortlists/<id:pk>/entries/<id:entry_pk>/",
        brands_api.ShortlistEntryDetailApi.as_view(),
        name="shortlist-entry-detail",
    ),
    # The caller's brand's saved discovery searches
    path("saved-searches/", brands_api.SavedSearchListApi.as_view(), name="saved-search-list"),
    path("saved-searches/<id:pk>/", brands_api.SavedSearchDetailApi.as_view(), name="saved-search-detail"),
    # Campaigns, matches and engine runs
    path("campaigns/", campaigns_api.CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/<id:pk>/", campaigns_api.CampaignDetailApi.as_view(), name="campaign-detail"),
    path(
        "campaigns/<id:pk>/brand-reputation/",
        ledger_api.CampaignBrandReputationApi.as_view(),
        name="campaign-brand-reputation",
    ),
    *(
        path(f"campaigns/<id:pk>/{action}/", view.as_view(), name=f"campaign-{action}")
        for action, view in campaigns_api.CAMPAIGN_ACTION_VIEWS.items()
    ),
    path("campaigns/<id:pk>/cancel/", campaigns_api.CampaignCancelApi.as_view(), name="campaign-cancel"),
    path("campaigns/<id:pk>/matches/", campaigns_api.CampaignMatchListApi.as_view(), name="campaign-matches"),
    path(
        "campaigns/<id:pk>/matches/recompute/",
        campaigns_api.CampaignMatchRecomputeApi.as_view(),
        name="campaign-matches-recompute",
    ),
    path("campaigns/<id:pk>/invite/", campaigns_api.CampaignInviteApi.as_view(), name="campaign-invite"),
    path("campaigns/<id:pk>/apply/", campaigns_api.CampaignApplyApi.as_view(), name="campaign-apply"),
    path("runs/<id:pk>/", campaigns_api.RunDetailApi.as_view(), name="run-detail"),
    # Collaborations
    path("collaborations/", campaigns_api.CollaborationListApi.as_view(), name="collaboration-list"),
    path("collaborations/<id:pk>/", campaigns_api.CollaborationDetailApi.as_view(), name="collaboration-detail"),
    *(
        path(f"collaborations/<id:pk>/{action}/", view.as_view(), name=f"collaboration-{action}")
        for action, view in campaigns_api.COLLABORATION_ACTION_VIEWS.items()
    ),
    path(
        "collaborations/<id:pk>/messages/",
        campaigns_api.CollaborationMessageApi.as_view(),
        name="collaboration-message",
    ),
    # A collaboration's payment ledger and reviews (its two parties and moderators)
    path("collaborations/<id:pk>/ledger/", ledger_api.LedgerApi.as_view(), name="collaboration-ledger"),
    path("collaborations/<id:pk>/ledger/<id:entry_pk>/sent/", ledger_api.LedgerSentApi.as_view(), name="ledger-sent"),
    path(
        "collaborations/<id:pk>/ledger/<id:entry_pk>/correct/",
        ledger_api.LedgerCorrectApi.as_view(),
        name="ledger-correct",
    ),
    path(
        "collaborations/<id:pk>/ledger/<id:entry_pk>/confirm/",
        ledger_api.LedgerConfirmApi.as_view(),
        name="ledger-confirm",
    ),
    path(
        "collaborations/<id:pk>/ledger/<id:entry_pk>/dispute/",
        ledger_api.LedgerDisputeApi.as_view(),
        name="ledger-dispute",
    ),
    path("collaborations/<id:pk>/reviews/", ledger_api.ReviewListApi.as_view(), name="collaboration-reviews"),
    path(
        "collaborations/<id:pk>/reviews/<id:review_pk>/reply/",
        ledger_api.ReviewReplyApi.as_view(),
        name="review-reply",
    ),
    path("collaborations/<id:pk>/submit/", campaigns_api.CollaborationSubmitApi.as_view(), name="collaboration-submit"),
    path(
        "collaborations/<id:pk>/deliverables/<id:deliverable_pk>/approve/",
        campaigns_api.DeliverableApproveApi.as_view(),
        name="deliverable-approve",
    ),
    path(
        "collaborations/<id:pk>/deliverables/<id:deliverable_pk>/request-revision/",
        campaigns_api.DeliverableRevisionApi.as_view(),
        name="deliverable-request-revision",
    ),
    # Giveaway draws: the parties upload, commit and draw; anyone reads a published draw
    path("collaborations/<id:pk>/draw/", draw_api.CollaborationDrawApi.as_view(), name="collaboration-draw"),
    path(
        "collaborations/<id:pk>/draw/entries/",
        draw_api.CollaborationDrawEntriesApi.as_view(),
        name="collaboration-draw-entries",
    ),
    path(
        "collaborations/<id:pk>/draw/commit/",
        draw_api.CollaborationDrawCommitApi.as_view(),
        name="collaboration-draw-commit",
    ),
    path("collaborations/<id:pk>/draw/run/", draw_api.CollaborationDrawRunApi.as_view(), name="collaboration-draw-run"),
    path("draws/<uuid:public_id>/", draw_api.DrawPublicApi.as_view(), name="draw-public"),
    # Signed webhooks: the owner's endpoints (a brand's team or a creator), secrets, delivery log, redelivery
    path("webhooks/", webhook_api.WebhookEndpointListApi.as_view(), name="webhook-list"),
    path("webhooks/<id:pk>/", webhook_api.WebhookEndpointDetailApi.as_view(), name="webhook-detail"),
    path("webhooks/<id:pk>/rotate-secret/", webhook_api.WebhookSecretRotateApi.as_view(), name="webhook-rotate-secret"),
    path("webhooks/<id:pk>/deliveries/", webhook_api.WebhookDeliveryListApi.as_view(), name="webhook-deliveries"),
    path(
        "webhooks/<id:pk>/deliveries/<id:delivery_pk>/redeliver/",
        webhook_api.WebhookRedeliverApi.as_view(),
        name="webhook-redeliver",
    ),
    # Anything else under /api/v1/: the JSON 404
    re_path(r"^[\s\S]*$", api_not_found),
]
