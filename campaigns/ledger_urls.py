"""A collaboration's payment ledger and reviews, mounted at /collaborations/ (both parties use the same page)."""

from django.urls import path

from . import ledger_views as views

app_name = "ledger"

urlpatterns = [
    path("<int:pk>/ledger/", views.ledger_detail, name="detail"),
    path("<int:pk>/ledger/<int:entry_pk>/sent/", views.payment_mark_sent, name="sent"),
    path("<int:pk>/ledger/<int:entry_pk>/confirm/", views.payment_confirm, name="confirm"),
    path("<int:pk>/ledger/<int:entry_pk>/dispute/", views.payment_dispute, name="dispute"),
    path("<int:pk>/review/", views.review_create, name="review"),
    path("<int:pk>/reviews/<int:review_pk>/reply/", views.review_reply_view, name="reply"),
]
