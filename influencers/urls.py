"""Brand-facing creator pages, mounted at /influencers/ (the /metrics/ page is mounted in config/urls.py)."""

from django.urls import path, re_path

from . import views
from .api import HANDLE_PATTERN

app_name = "influencers"

urlpatterns = [
    path("", views.discover, name="discover"),
    # Only what a handle can be: any other value (NUL, which PostgreSQL cannot compare) is a plain 404.
    re_path(rf"^(?P<handle>{HANDLE_PATTERN})/$", views.profile, name="profile"),
    re_path(rf"^(?P<handle>{HANDLE_PATTERN})/similar/$", views.similar, name="similar"),
]
