from django.urls import path

from . import draw_views

app_name = "giveaways"

urlpatterns = [
    path("<uuid:public_id>/", draw_views.draw_public, name="draw"),
    path("collaborations/<int:pk>/", draw_views.draw_manage, name="manage"),
    path("<uuid:public_id>/entries.txt", draw_views.draw_entries, name="draw_entries"),
]
