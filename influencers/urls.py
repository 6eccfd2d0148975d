"""Brand-facing creator pages, mounted at /influencers/ (the /metrics/ page is mounted in config/urls.py)."""

from django.urls import path

from . import views

app_name = "influencers"

urlpatterns = [
    path("", views.discover, name="discover"),
    path("<str:handle>/", views.profile, name="profile"),
]
