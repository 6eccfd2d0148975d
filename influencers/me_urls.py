"""The creator's own pages, mounted at /me/."""

from django.urls import path

from . import me_views as views

app_name = "me"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("accounts/<int:pk>/metrics/", views.account_metrics, name="account_metrics"),
    path("audience/", views.audience, name="audience"),
    path("offers/", views.offers, name="offers"),
    path("offers/new/", views.offer_edit, name="offer_create"),
    path("offers/<int:pk>/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/delete/", views.offer_remove, name="offer_delete"),
    path("opportunities/", views.opportunities, name="opportunities"),
    path("opportunities/<int:pk>/", views.opportunity, name="opportunity"),
    path("invitations/", views.invitations, name="invitations"),
    path("collaborations/", views.collaborations, name="collaborations"),
    path("collaborations/<int:pk>/", views.collaboration, name="collaboration"),
    path("collaborations/<int:pk>/submit/", views.deliverable_submit_view, name="submit"),
    path("collaborations/<int:pk>/messages/", views.collaboration_message, name="collaboration_message"),
    path("collaborations/<int:pk>/<slug:action>/", views.collaboration_action, name="collaboration_action"),
]
