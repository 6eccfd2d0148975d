"""The brand's campaign pages, mounted at /brand/campaigns/."""

from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create_view, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/actions/<slug:action>/", views.campaign_action, name="action"),
    path("<int:pk>/applications/", views.applications, name="applications"),
    path("<int:pk>/creators/", views.people, name="people"),
    path("<int:pk>/deliverables/", views.deliverables, name="deliverables"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.csv", views.report_csv, name="report_csv"),
    path("<int:pk>/winners/", views.giveaway_winners, name="winners"),
    path("<int:pk>/collaborations/<int:collaboration_pk>/", views.collaboration_detail, name="collaboration"),
    path(
        "<int:pk>/collaborations/<int:collaboration_pk>/messages/",
        views.collaboration_message,
        name="collaboration_message",
    ),
    path(
        "<int:pk>/collaborations/<int:collaboration_pk>/<slug:action>/",
        views.collaboration_action,
        name="collaboration_action",
    ),
    path("<int:pk>/deliverables/<int:deliverable_pk>/review/", views.deliverable_review_view, name="review"),
]
