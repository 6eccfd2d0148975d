"""URL patterns for tests/test_demo_polish.py: a view that crashes, then the demo's catch-all."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path

from config import error_pages


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("crash/", crash),
    path("", include("config.urls")),
    re_path(r"^(?P<path>.*)$", error_pages.unknown_path),
]
