"""The brand's shortlists, mounted at /brand/ (namespace "shortlists")."""

from django.urls import path

from . import shortlist_views as views

app_name = "shortlists"

urlpatterns = [
    path("shortlists/", views.shortlist_list, name="list"),
    path("shortlists/add/", views.shortlist_add, name="add"),
    path("shortlists/<int:pk>/", views.shortlist_detail, name="detail"),
    path("shortlists/<int:pk>/rename/", views.shortlist_rename_view, name="rename"),
    path("shortlists/<int:pk>/delete/", views.shortlist_delete_view, name="delete"),
    path("shortlists/<int:pk>/export.csv", views.shortlist_export, name="export"),
    path("shortlists/<int:pk>/entries/<int:entry_pk>/note/", views.entry_note, name="entry_note"),
    path("shortlists/<int:pk>/entries/<int:entry_pk>/remove/", views.entry_remove, name="entry_remove"),
]
