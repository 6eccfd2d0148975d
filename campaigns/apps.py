from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        # The brand dashboard (brands/) shows campaign work without importing this app.
        from brands.views import dashboard_panels
        from influencers.views import profile_panels

        from .reputation import creator_profile_panel
        from .selectors import brand_dashboard_panel

        if brand_dashboard_panel not in dashboard_panels:
            dashboard_panels.append(brand_dashboard_panel)
        # A creator's profile shows delivery punctuality and ratings without influencers importing this app.
        if creator_profile_panel not in profile_panels:
            profile_panels.append(creator_profile_panel)
