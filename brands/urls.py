"""The brand's own pages, mounted at /brand/ (campaign pages live under /brand/campaigns/)."""

from django.urls import path

from . import views

app_name = "brand"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("team/", views.team, name="team"),
    path("team/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("team/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("profile/", views.profile, name="profile"),
    path("saved-searches/", views.saved_search_create_view, name="saved_search_create"),
    path("saved-searches/<int:pk>/notify/", views.saved_search_notify, name="saved_search_notify"),
    path("saved-searches/<int:pk>/delete/", views.saved_search_delete_view, name="saved_search_delete"),
]
