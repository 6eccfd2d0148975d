"""Recommendations and inviting, mounted at /brand/campaigns/ under the namespace "recommendations".

A second include at the same prefix as campaigns/urls.py (namespace "campaigns"): two includes
cannot share a namespace, so the tab is reversed as "recommendations:list" with the campaign's pk.
"""

from django.urls import path, re_path

from influencers.api import HANDLE_PATTERN

from . import recommendation_views as views

app_name = "recommendations"

urlpatterns = [
    path("<int:pk>/recommendations/", views.recommendation_list, name="list"),
    path("<int:pk>/recommendations/progress/", views.recommendation_progress, name="progress"),
    path("<int:pk>/recommendations/recompute/", views.recommendation_recompute, name="recompute"),
    re_path(rf"^invite/(?P<handle>{HANDLE_PATTERN})/$", views.invite, name="invite"),
    path("compare/", views.compare, name="compare"),
]
