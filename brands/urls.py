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
]
