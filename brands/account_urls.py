"""Account pages mounted at /accounts/ (before django.contrib.auth.urls, whose login this replaces),
and the notification pages mounted at /notifications/ (`notification_patterns`)."""

from django.urls import path

from . import account_views as views

urlpatterns = [
    path("login/", views.RoleLoginView.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    path("signup/creator/", views.signup_influencer, name="signup_influencer"),
    path("signup/brand/", views.signup_brand, name="signup_brand"),
    path("invitations/<str:token>/", views.invitation_accept, name="brand_invitation_accept"),
]

notification_patterns = (
    [
        path("", views.notifications, name="list"),
        path("<int:pk>/read/", views.notification_read, name="read"),
        path("read-all/", views.notifications_read_all, name="read_all"),
    ],
    "notifications",
)
