"""Account pages mounted at /accounts/ (before django.contrib.auth.urls, whose login this replaces),
and the notification pages mounted at /notifications/ (`notification_patterns`)."""

from django.urls import path

from . import password_views, views

urlpatterns = [
    path("login/", views.RoleLoginView.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    path("signup/creator/", views.signup_influencer, name="signup_influencer"),
    path("signup/brand/", views.signup_brand, name="signup_brand"),
    path("confirm-email/", views.email_confirm, name="email_confirm"),
    path("invitations/<str:token>/", views.invitation_accept, name="brand_invitation_accept"),
    # Django's password views with rate limits and API-token revocation (brands/accounts/password_views.py).
    path("password_change/", password_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_reset/", password_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]

notification_patterns = (
    [
        path("", views.notifications, name="list"),
        path("<int:pk>/read/", views.notification_read, name="read"),
        path("read-all/", views.notifications_read_all, name="read_all"),
    ],
    "notifications",
)
