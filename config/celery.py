"""The Celery application, wired the documented way: settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("invloed")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
