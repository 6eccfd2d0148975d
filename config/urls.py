from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from brands.accounts import token_views
from brands.accounts import urls as account_urls
from brands.accounts import views as account_views
from campaigns import ledger_views
from influencers import views as influencer_views

from . import error_pages, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links; the icon is an SVG among the static files.
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Account pages first: their login view (role-aware landing) replaces the stock one.
    path("accounts/", include("brands.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/", account_views.account_settings, name="account"),
    path("account/api-token/", token_views.api_token, name="api_token"),
    path("account/webhooks/", include("campaigns.webhook_urls")),
    path("notifications/", include(account_urls.notification_patterns)),
    path("me/", include("influencers.me_urls")),
    path("influencers/", include("influencers.urls")),
    path("metrics/", influencer_views.metric_definitions, name="metrics"),
    path("brand/campaigns/", include("campaigns.recommendation_urls")),
    path("brand/campaigns/", include("campaigns.urls")),
    path("brand/payment-terms/", ledger_views.payment_terms, name="payment_terms"),
    path("collaborations/", include("campaigns.ledger_urls")),
    path("giveaways/draws/", include("campaigns.draw_urls")),
    path("brand/", include("brands.shortlist_urls")),
    path("brand/", include("brands.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += [path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

if error_pages.enabled():
    # The demo's friendly error pages (config/error_pages.py): an address no pattern matches gets the 404 page.
    urlpatterns += [re_path(r"^(?P<path>.*)$", error_pages.unknown_path)]
