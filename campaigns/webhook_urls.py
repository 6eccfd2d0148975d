"""Webhook pages, mounted at /account/webhooks/ (a brand's team and creators; owners only)."""

from django.urls import path

from . import webhook_views as views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<int:pk>/", views.webhook_detail, name="detail"),
    path("<int:pk>/rotate-secret/", views.webhook_rotate, name="rotate"),
    path("<int:pk>/delete/", views.webhook_delete, name="delete"),
    path("<int:pk>/deliveries/<int:delivery_pk>/redeliver/", views.webhook_redeliver_view, name="redeliver"),
]
