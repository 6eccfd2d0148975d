"""The demo a new visitor tries: the right login address, production's error pages, a favicon, quiet logs."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, override_settings

from tests.factories import BrandMemberFactory

pytestmark = pytest.mark.django_db

TECHNICAL = ("Using the URLconf", "Traceback", "DEBUG = True")


def test_printed_login_address_follows_the_port() -> None:
    out = StringIO()
    call_command("seed_demo", print_logins=True, url="http://127.0.0.1:8080", stdout=out)
    assert "http://127.0.0.1:8080/accounts/login/" in out.getvalue()
    assert ":8000" not in out.getvalue()


def test_printed_login_address_defaults_to_the_port_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "8123")
    out = StringIO()
    call_command("seed_demo", print_logins=True, stdout=out)
    assert "http://127.0.0.1:8123/accounts/login/" in out.getvalue()


@override_settings(DEBUG=True, FRIENDLY_ERROR_PAGES=True, ROOT_URLCONF="tests.demo_error_urls")
def test_demo_shows_production_error_pages_not_technical_ones() -> None:
    member = BrandMemberFactory()
    client = Client(raise_request_exception=False)
    client.force_login(member.user)

    unknown_handle = client.get("/influencers/nobody-by-this-handle/")
    unknown_address = client.get("/no/such/page/")
    crashed = client.get("/crash/")

    for response in (unknown_handle, unknown_address):
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
    assert crashed.status_code == 500
    assert "Something went wrong" in crashed.content.decode()
    for response in (unknown_handle, unknown_address, crashed):
        assert not any(marker in response.content.decode() for marker in TECHNICAL)


@override_settings(DEBUG=True, FRIENDLY_ERROR_PAGES=False, ROOT_URLCONF="tests.demo_error_urls")
def test_developers_keep_the_technical_pages_without_the_setting() -> None:
    client = Client(raise_request_exception=False)
    assert "DEBUG = True" in client.get("/no/such/page/").content.decode()  # Django's technical 404
    assert "RuntimeError" in client.get("/crash/").content.decode()  # Django's technical 500


def test_favicon_redirects_to_the_static_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")


def test_axes_start_and_reset_chatter_stays_out_of_the_demo_console() -> None:
    assert not logging.getLogger("axes").isEnabledFor(logging.INFO)
    assert logging.getLogger("axes").isEnabledFor(logging.WARNING)
