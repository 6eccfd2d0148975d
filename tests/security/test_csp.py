"""Content-Security-Policy on every page type (issue #8, item 7).

The policy must allow scripts only from our own origin: no 'unsafe-inline', no 'unsafe-eval', no
wildcard or scheme sources, in script-src (or default-src when script-src is absent). It is checked
on real answers of every route the URL resolver knows — a route added without an entry here fails
`test_every_route_is_covered` — plus the error pages (403, 404, 429, 500), the lock-out page, htmx
partials and the browsable API. HTML answers must also not depend on what the policy blocks: no
inline <script> without src, no on*= handler attribute, no javascript: link. The templates are
scanned for the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from influencers.api import HANDLE_PATTERN
from influencers.models import EngineRun
from tests.factories import EngineRunFactory, GiveawayDrawFactory, NotificationFactory
from tests.module_world import built_once, fresh_copy

from .hostile_world import World, build_world, limits_out_of_reach

pytestmark = pytest.mark.django_db

FORBIDDEN_SCRIPT_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:")
# <script> types a browser does not execute (data blocks), so CSP does not concern them.
DATA_SCRIPT_TYPES = ("application/json", "application/ld+json", "text/template")

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
HANDLER_ATTRIBUTE = re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def policy_of(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} ({response.status_code}) has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def policy_problems(response) -> list[str]:
    directives = policy_of(response)
    script = directives.get("script-src", directives.get("default-src"))
    problems = []
    if script is None:
        problems.append("neither script-src nor default-src")
    else:
        problems += [f"script-src allows {source}" for source in script if source.lower() in FORBIDDEN_SCRIPT_SOURCES]
    for directive, expected in (("object-src", "'none'"), ("frame-ancestors", "'none'"), ("base-uri", "'self'")):
        if directives.get(directive) != [expected]:
            problems.append(f"{directive} is {directives.get(directive)}, expected {expected}")
    return problems


def markup_problems(html: str) -> list[str]:
    """What a strict policy would block: inline scripts, handler attributes, javascript: links."""
    problems = []
    for attributes, body in SCRIPT_TAG.findall(html):
        if "src=" in attributes.lower():
            if body.strip():
                problems.append("a <script src> with inline code")
            continue
        kind = re.search(r"""type\s*=\s*["']?([^"'\s>]+)""", attributes, re.IGNORECASE)
        if kind is None or kind.group(1).lower() not in DATA_SCRIPT_TYPES:
            problems.append(f"inline <script{attributes}>{body.strip()[:60]}")
    for tag in TAG.findall(SCRIPT_TAG.sub("", html)):
        if HANDLER_ATTRIBUTE.search(tag):
            problems.append(f"handler attribute in {tag[:100]}")
    if JAVASCRIPT_URL.search(html):
        problems.append("a javascript: URL")
    return problems


def answer_problems(response) -> list[str]:
    problems = policy_problems(response)
    if "text/html" in response.get("Content-Type", "") and response.status_code != 304:
        problems += markup_problems(response.content.decode(errors="replace"))
    return problems


# --- the URL resolver -------------------------------------------------------------------------------


def all_routes() -> list[tuple[str, str | None]]:
    """(route pattern, name with namespace) of every URL the project serves."""

    def walk(patterns, prefix: str = "", namespace: str | None = None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
                yield prefix + str(pattern.pattern), name

    return list(walk(get_resolver().url_patterns))


# How to request each page route: (role, path builder). Every route outside the admin and the API
# must be listed here; the admin's and the API's routes are requested by the rules further down.
Page = tuple[str, Callable[[World], str]]


def _r(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def _reset_link(w: World) -> str:
    user = w.creator.user
    return reverse(
        "password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )


OPEN = lambda w: w.open_campaign.pk  # noqa: E731 - short world accessors keep the table readable
GIVEAWAY = lambda w: w.giveaway.pk  # noqa: E731
WORKING = lambda w: w.working.pk  # noqa: E731
SHORTLIST = lambda w: w.shortlist.pk  # noqa: E731
SAVED_SEARCH = lambda w: w.saved_search.pk  # noqa: E731

PAGES: dict[str, list[Page]] = {
    "": [("anonymous", _r("home")), ("creator", _r("home")), ("brand", _r("home"))],
    "healthz": [("anonymous", _r("healthz"))],
    "favicon.ico": [("anonymous", _r("favicon"))],
    "i18n/setlang/": [("anonymous", _r("set_language"))],
    "accounts/login/": [("anonymous", _r("login"))],
    "accounts/signup/": [("anonymous", _r("signup"))],
    "accounts/signup/creator/": [("anonymous", _r("signup_influencer"))],
    "accounts/signup/brand/": [("anonymous", _r("signup_brand"))],
    "accounts/confirm-email/": [("anonymous", lambda w: reverse("email_confirm") + "?token=no-such-token")],
    "accounts/invitations/<str:token>/": [
        ("anonymous", lambda w: reverse("brand_invitation_accept", args=[w.invitation_token])),
        ("anonymous", lambda w: reverse("brand_invitation_accept", args=["no-such-token"])),
    ],
    "accounts/logout/": [("creator", _r("logout"))],
    "accounts/password_change/": [("creator", _r("password_change"))],
    "accounts/password_change/done/": [("creator", _r("password_change_done"))],
    "accounts/password_reset/": [("anonymous", _r("password_reset"))],
    "accounts/password_reset/done/": [("anonymous", _r("password_reset_done"))],
    "accounts/reset/<uidb64>/<token>/": [("anonymous", _reset_link)],
    "accounts/reset/done/": [("anonymous", _r("password_reset_complete"))],
    "account/": [("creator", _r("account")), ("brand", _r("account"))],
    "account/api-token/": [("creator", _r("api_token"))],
    "notifications/": [("creator", _r("notifications:list"))],
    "notifications/<int:pk>/read/": [("creator", lambda w: reverse("notifications:read", args=[w.notification.pk]))],
    "notifications/read-all/": [("creator", _r("notifications:read_all"))],
    "me/": [("creator", _r("me:dashboard"))],
    "me/profile/": [("creator", _r("me:profile"))],
    "me/accounts/": [("creator", _r("me:accounts"))],
    "me/accounts/<int:pk>/": [("creator", _r("me:account_edit", lambda w: w.account.pk))],
    "me/accounts/<int:pk>/delete/": [("creator", _r("me:account_delete", lambda w: w.account.pk))],
    "me/accounts/<int:pk>/metrics/": [("creator", _r("me:account_metrics", lambda w: w.account.pk))],
    "me/audience/": [("creator", _r("me:audience"))],
    "me/offers/": [("creator", _r("me:offers"))],
    "me/offers/new/": [("creator", _r("me:offer_create"))],
    "me/offers/<int:pk>/": [("creator", _r("me:offer_edit", lambda w: w.offer.pk))],
    "me/offers/<int:pk>/delete/": [("creator", _r("me:offer_delete", lambda w: w.offer.pk))],
    "me/opportunities/": [("creator", _r("me:opportunities"))],
    "me/opportunities/<int:pk>/": [("creator", _r("me:opportunity", OPEN))],
    "me/invitations/": [("creator", _r("me:invitations"))],
    "me/collaborations/": [("creator", _r("me:collaborations"))],
    "me/collaborations/<int:pk>/": [("creator", _r("me:collaboration", WORKING))],
    "me/collaborations/<int:pk>/submit/": [("creator", _r("me:submit", lambda w: w.to_submit.pk))],
    "me/collaborations/<int:pk>/messages/": [("creator", _r("me:collaboration_message", WORKING))],
    "me/collaborations/<int:pk>/<slug:action>/": [
        ("creator", lambda w: reverse("me:collaboration_action", args=[w.invited.pk, "accept"]))
    ],
    "influencers/": [
        ("brand", _r("influencers:discover")),
        ("brand", lambda w: reverse("influencers:discover") + "?q=creator&niches=fashion"),
        ("staff", _r("influencers:discover")),
        ("creator", _r("influencers:discover")),  # the 403 page for creators
    ],
    f"influencers/^(?P<handle>{HANDLE_PATTERN})/$": [
        ("brand", lambda w: reverse("influencers:profile", args=[w.creator.handle])),
        ("staff", lambda w: reverse("influencers:profile", args=[w.creator.handle])),
    ],
    f"influencers/^(?P<handle>{HANDLE_PATTERN})/similar/$": [
        ("brand", lambda w: reverse("influencers:similar", args=[w.creator.handle])),
    ],
    "metrics/": [("brand", _r("metrics"))],
    "brand/campaigns/<int:pk>/recommendations/": [("brand", _r("recommendations:list", OPEN))],
    "brand/campaigns/<int:pk>/recommendations/progress/": [("brand", _r("recommendations:progress", OPEN))],
    "brand/campaigns/<int:pk>/recommendations/recompute/": [("brand", _r("recommendations:recompute", OPEN))],
    f"brand/campaigns/^invite/(?P<handle>{HANDLE_PATTERN})/$": [
        ("brand", lambda w: reverse("recommendations:invite", args=[w.creator_b.handle]))
    ],
    "brand/campaigns/compare/": [
        ("brand", _r("recommendations:compare")),
        ("brand", lambda w: reverse("recommendations:compare") + f"?h={w.creator.handle}&h={w.visible.handle}"),
    ],
    "brand/campaigns/": [("brand", _r("campaigns:list"))],
    "brand/campaigns/new/": [("brand", _r("campaigns:create"))],
    "brand/campaigns/<int:pk>/": [("brand", _r("campaigns:detail", OPEN)), ("brand", _r("campaigns:detail", GIVEAWAY))],
    "brand/campaigns/<int:pk>/edit/": [("brand", lambda w: reverse("campaigns:edit", args=[w.drafts["giveaway"].pk]))],
    "brand/campaigns/<int:pk>/actions/<slug:action>/": [
        ("brand", lambda w: reverse("campaigns:action", args=[w.open_campaign.pk, "pause"]))
    ],
    "brand/campaigns/<int:pk>/applications/": [
        ("brand", lambda w: reverse("campaigns:applications", args=[w.applied.campaign_id]))
    ],
    "brand/campaigns/<int:pk>/creators/": [("brand", _r("campaigns:people", GIVEAWAY))],
    "brand/campaigns/<int:pk>/deliverables/": [("brand", _r("campaigns:deliverables", GIVEAWAY))],
    "brand/campaigns/<int:pk>/report/": [("brand", _r("campaigns:report", GIVEAWAY))],
    "brand/campaigns/<int:pk>/report.csv": [("brand", _r("campaigns:report_csv", GIVEAWAY))],
    "brand/campaigns/<int:pk>/winners/": [("brand", _r("campaigns:winners", GIVEAWAY))],
    "brand/campaigns/<int:pk>/collaborations/<int:collaboration_pk>/": [
        ("brand", _r("campaigns:collaboration", GIVEAWAY, WORKING))
    ],
    "brand/campaigns/<int:pk>/collaborations/<int:collaboration_pk>/messages/": [
        ("brand", _r("campaigns:collaboration_message", GIVEAWAY, WORKING))
    ],
    "brand/campaigns/<int:pk>/collaborations/<int:collaboration_pk>/<slug:action>/": [
        ("brand", lambda w: reverse("campaigns:collaboration_action", args=[w.giveaway.pk, w.working.pk, "cancel"]))
    ],
    "brand/campaigns/<int:pk>/deliverables/<int:deliverable_pk>/review/": [
        ("brand", _r("campaigns:review", GIVEAWAY, lambda w: w.deliverable.pk))
    ],
    "brand/saved-searches/": [("brand", _r("brand:saved_search_create"))],
    "brand/saved-searches/<int:pk>/notify/": [("brand", _r("brand:saved_search_notify", SAVED_SEARCH))],
    "brand/saved-searches/<int:pk>/delete/": [("brand", _r("brand:saved_search_delete", SAVED_SEARCH))],
    "brand/shortlists/": [("brand", _r("shortlists:list"))],
    "brand/shortlists/add/": [("brand", _r("shortlists:add"))],
    "brand/shortlists/<int:pk>/": [("brand", _r("shortlists:detail", SHORTLIST))],
    "brand/shortlists/<int:pk>/rename/": [("brand", _r("shortlists:rename", SHORTLIST))],
    "brand/shortlists/<int:pk>/delete/": [("brand", _r("shortlists:delete", SHORTLIST))],
    "brand/shortlists/<int:pk>/export.csv": [("brand", _r("shortlists:export", SHORTLIST))],
    "brand/shortlists/<int:pk>/entries/<int:entry_pk>/note/": [
        ("brand", _r("shortlists:entry_note", SHORTLIST, lambda w: w.entry.pk))
    ],
    "brand/shortlists/<int:pk>/entries/<int:entry_pk>/remove/": [
        ("brand", _r("shortlists:entry_remove", SHORTLIST, lambda w: w.entry.pk))
    ],
    "brand/": [("brand", _r("brand:dashboard"))],
    "brand/team/": [("brand", _r("brand:team"))],
    "brand/team/invitations/<int:pk>/revoke/": [("brand", _r("brand:invitation_revoke", lambda w: w.invitation.pk))],
    "brand/team/members/<int:pk>/remove/": [("brand", _r("brand:member_remove", lambda w: w.member.pk))],
    "brand/profile/": [("brand", _r("brand:profile"))],
    "brand/payment-terms/": [("brand", _r("payment_terms"))],
    "collaborations/<int:pk>/ledger/": [("brand", _r("ledger:detail", WORKING))],
    "collaborations/<int:pk>/ledger/<int:entry_pk>/sent/": [("brand", _r("ledger:sent", WORKING, lambda w: 987654))],
    "collaborations/<int:pk>/ledger/<int:entry_pk>/confirm/": [
        ("brand", _r("ledger:confirm", WORKING, lambda w: 987654))
    ],
    "collaborations/<int:pk>/ledger/<int:entry_pk>/dispute/": [
        ("brand", _r("ledger:dispute", WORKING, lambda w: 987654))
    ],
    "collaborations/<int:pk>/review/": [("brand", _r("ledger:review", WORKING))],
    "collaborations/<int:pk>/reviews/<int:review_pk>/reply/": [
        ("brand", _r("ledger:reply", WORKING, lambda w: 987654))
    ],
    "giveaways/draws/<uuid:public_id>/": [("anonymous", lambda w: reverse("giveaways:draw", args=[w.draw.public_id]))],
    "giveaways/draws/<uuid:public_id>/entries.txt": [
        ("anonymous", lambda w: reverse("giveaways:draw_entries", args=[w.draw.public_id]))
    ],
    "giveaways/draws/collaborations/<int:pk>/": [("creator", _r("giveaways:manage", WORKING))],
    "account/webhooks/": [("brand", _r("webhooks:list")), ("creator", _r("webhooks:list"))],
    "account/webhooks/<int:pk>/": [("brand", _r("webhooks:detail", lambda w: 987654))],
    "account/webhooks/<int:pk>/rotate-secret/": [("brand", _r("webhooks:rotate", lambda w: 987654))],
    "account/webhooks/<int:pk>/delete/": [("brand", _r("webhooks:delete", lambda w: 987654))],
    "account/webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/": [
        ("brand", _r("webhooks:redeliver", lambda w: 987654, lambda w: 987654))
    ],
    "api/schema/": [("brand", _r("api-schema"))],
    "api/docs/": [("anonymous", _r("api-docs")), ("brand", _r("api-docs"))],
    "media/<path:path>": [("anonymous", lambda w: f"{settings.MEDIA_URL}no-such-file.jpg")],
    "api/v1/^[\\s\\S]*$": [("brand", lambda w: "/api/v1/no-such-endpoint/")],
    "admin/(?P<url>.*)$": [("staff", lambda w: "/admin/no-such-page/")],
}

# Admin routes not tied to one model, and the admin's own extra pages.
ADMIN_PAGES: dict[str, list[Page]] = {
    "admin:index": [("staff", _r("admin:index")), ("anonymous", _r("admin:index"))],
    "admin:login": [("anonymous", _r("admin:login"))],
    "admin:logout": [("staff", _r("admin:logout"))],
    "admin:password_change": [("staff", _r("admin:password_change"))],
    "admin:password_change_done": [("staff", _r("admin:password_change_done"))],
    "admin:autocomplete": [
        (
            "staff",
            lambda w: (
                reverse("admin:autocomplete") + "?app_label=influencers&model_name=influencer&field_name=user&term=a"
            ),
        )
    ],
    "admin:jsi18n": [("staff", _r("admin:jsi18n"))],
    "admin:view_on_site": [
        (
            "staff",
            lambda w: reverse(
                "admin:view_on_site", args=[ContentType.objects.get_for_model(w.creator).pk, w.creator.pk]
            ),
        )
    ],
    "admin:app_list": [("staff", lambda w: reverse("admin:app_list", args=["influencers"]))],
    "admin:auth_user_password_change": [
        ("staff", lambda w: reverse("admin:auth_user_password_change", args=[w.creator.user.pk]))
    ],
    "admin:influencers_influencer_moderate": [
        ("staff", lambda w: reverse("admin:influencers_influencer_moderate", args=[w.creator.pk]) + "?decision=reject")
    ],
    "admin:brands_brand_moderate": [
        ("staff", lambda w: reverse("admin:brands_brand_moderate", args=[w.member.brand.pk]) + "?decision=suspend")
    ],
    "admin:campaigns_campaign_moderate": [
        (
            "staff",
            lambda w: reverse("admin:campaigns_campaign_moderate", args=[w.open_campaign.pk]) + "?decision=reject",
        )
    ],
    "admin:influencers_enginerun_import": [("staff", _r("admin:influencers_enginerun_import"))],
    "admin:influencers_influencer_transfer": [
        ("staff", lambda w: reverse("admin:influencers_influencer_transfer", args=[w.creator.pk]))
    ],
    "admin:campaigns_campaign_transfer": [
        ("staff", lambda w: reverse("admin:campaigns_campaign_transfer", args=[w.open_campaign.pk]))
    ],
}
MODEL_ADMIN_VIEWS = ("changelist", "add", "change", "history", "delete")


def admin_model_pages(w: World) -> dict[str, list[Page]]:
    """Every registered model's changelist, add, change, history and delete pages (first row)."""
    pages: dict[str, list[Page]] = {}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        first = model._default_manager.order_by("pk").first()
        for view in MODEL_ADMIN_VIEWS:
            if view in ("changelist", "add"):
                pages[prefix + view] = [("staff", _r(prefix + view))]
            elif first is not None:
                pages[prefix + view] = [("staff", lambda w, n=prefix + view, pk=first.pk: reverse(n, args=[pk]))]
            else:
                # No row to show: the admin answers the missing object (a redirect with a message).
                pages[prefix + view] = [("staff", lambda w, n=prefix + view: reverse(n, args=[987654]))]
    return pages


def api_pages(w: World) -> dict[str, list[Page]]:
    """Every API route as the browsable API (text/html), with ids the caller can see."""
    ids = {
        "campaign": w.giveaway.pk,
        "collaboration": w.working.pk,
        "shortlist": w.shortlist.pk,
        "saved-search": w.saved_search.pk,
        "run": w.run.pk,
        "me-account": w.account.pk,
        "me-offer": w.offer.pk,
        "webhook": 987654,  # no endpoint in this world: the browsable API's 404 page
    }
    pages: dict[str, list[Page]] = {}
    for route, name in all_routes():
        if not (name or "").startswith("api:"):
            continue
        short = name.removeprefix("api:")
        role = "creator" if short.startswith(("me-", "collaboration", "campaign-apply")) else "brand"
        kwargs = {}
        if "<handle:handle>" in route:
            kwargs["handle"] = w.creator.handle
        if "<id:pk>" in route:
            if short.startswith(("deliverable", "ledger", "review")):
                key = "collaboration"  # routes under /collaborations/{id}/
            else:
                key = next(k for k in ids if short.startswith(k))
            kwargs["pk"] = ids[key]
        if "<uuid:public_id>" in route:
            kwargs["public_id"] = w.draw.public_id
        if "<id:entry_pk>" in route:
            kwargs["entry_pk"] = w.entry.pk
        if "<id:review_pk>" in route:
            kwargs["review_pk"] = 987654
        if "<id:delivery_pk>" in route:
            kwargs["delivery_pk"] = 987654
        if "<id:deliverable_pk>" in route:
            kwargs["deliverable_pk"] = w.deliverable.pk
        pages[name] = [(role, lambda w, n=name, k=kwargs: reverse(n, kwargs=k))]
    return pages


def build_csp_world() -> World:
    world = build_world()
    world.notification = NotificationFactory(user=world.creator.user)
    world.run = EngineRunFactory(scope=f"campaign:{world.giveaway.pk}", kind=EngineRun.Kind.MATCHES_CAMPAIGN)
    world.draw = GiveawayDrawFactory(collaboration=world.working)
    return world


@pytest.fixture(scope="module")
def csp_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module; each test's writes are rolled back (tests/module_world.py)."""
    yield from built_once(django_db_blocker, build_csp_world)


@pytest.fixture
def world(csp_world: World, settings, monkeypatch) -> World:
    limits_out_of_reach(settings, monkeypatch)
    return fresh_copy(csp_world)


@pytest.fixture
def clients(world: World) -> dict[str, Client]:
    result = {}
    for role, user in world.users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        result[role] = client
    return result


def test_every_route_is_covered():
    """A route added without telling this module how to request it fails here."""
    listed_admin = set(ADMIN_PAGES)
    model_prefixes = [f"admin:{m._meta.app_label}_{m._meta.model_name}_" for m in admin.site._registry]
    missing = []
    for route, name in all_routes():
        if route in PAGES or (name or "").startswith("api:"):
            continue
        if route.startswith("admin/"):
            if name in listed_admin:
                continue
            if name and any(name.startswith(p) and name[len(p) :] in MODEL_ADMIN_VIEWS for p in model_prefixes):
                continue
            if name is None and route.endswith("<path:object_id>/"):
                continue  # the admin's redirect from an object's old address to its change page
        missing.append(f"{route} ({name})")
    assert not missing, "routes without a CSP check; add them to PAGES or ADMIN_PAGES:\n" + "\n".join(missing)


# Requests meant to reach a missing page (every other request must reach its page: a 404 there
# would mean the check looked at an error page instead).
# The admin's "view on site" is a 404 for models without a public page (all of ours).
EXPECTED_NOT_FOUND = ("no-such", "987654", "/admin/r/")


def _check_pages(clients: dict[str, Client], world: World, pages: dict[str, list[Page]], **headers) -> list[str]:
    failures = []
    for key, requests in pages.items():
        for role, build in requests:
            url = build(world)
            response = clients[role].get(url, **headers)
            if response.status_code >= 500:
                failures.append(f"{key}: {url} answered {response.status_code}")
            if response.status_code == 404 and not any(marker in url for marker in EXPECTED_NOT_FOUND):
                failures.append(f"{key}: {url} ({role}) answered 404: the check did not reach the page")
            failures += [f"{key}: {url} ({role}, {response.status_code}): {p}" for p in answer_problems(response)]
    return failures


def test_every_page_answers_with_a_strict_policy_and_no_inline_script(world, clients):
    failures = _check_pages(clients, world, PAGES)
    assert not failures, "\n".join(failures)


def test_every_admin_page_answers_with_a_strict_policy_and_no_inline_script(world, clients):
    failures = _check_pages(clients, world, ADMIN_PAGES | admin_model_pages(world))
    assert not failures, "\n".join(failures)


def test_every_browsable_api_page_answers_with_a_strict_policy(world, clients):
    failures = _check_pages(clients, world, api_pages(world), HTTP_ACCEPT="text/html")
    failures += _check_pages(clients, world, api_pages(world), HTTP_ACCEPT="application/json")
    assert not failures, "\n".join(failures)


def test_htmx_partials_carry_the_policy(world, clients):
    htmx = {"HTTP_HX_REQUEST": "true"}
    pages = {
        "discovery results": [("brand", lambda w: reverse("influencers:discover") + "?q=creator")],
        "recommendation progress": [("brand", _r("recommendations:progress", OPEN))],
        "similar creators card": [("brand", lambda w: reverse("influencers:similar", args=[w.creator.handle]))],
    }
    failures = _check_pages(clients, world, pages, **htmx)
    partial = clients["brand"].get(reverse("influencers:discover"), **htmx)
    assert b"<html" not in partial.content, "not the partial"
    post = clients["brand"].post(
        reverse("shortlists:entry_note", args=[world.shortlist.pk, world.entry.pk]), {"note": "Good"}, **htmx
    )
    failures += [f"note partial: {p}" for p in answer_problems(post)]
    assert not failures, "\n".join(failures)


# --- error pages -------------------------------------------------------------------------------------


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *get_resolver("config.urls").url_patterns]


def test_error_pages_carry_the_policy(world, clients, settings):
    answers = {
        "404": clients["anonymous"].get("/no-such-page/"),
        "403 discovery": clients["creator"].get(reverse("influencers:discover")),
        "admin login redirect": clients["creator"].get(reverse("admin:index")),
    }
    csrf_client = Client(enforce_csrf_checks=True)
    answers["403 csrf"] = csrf_client.post(reverse("login"), {"username": "x", "password": "y"})
    settings.ROOT_URLCONF = __name__
    answers["500"] = Client(raise_request_exception=False).get("/boom/")
    settings.ROOT_URLCONF = "config.urls"
    expected = {"404": 404, "403 discovery": 403, "admin login redirect": 302, "403 csrf": 403, "500": 500}
    assert {key: r.status_code for key, r in answers.items()} == expected
    failures = [f"{key}: {p}" for key, response in answers.items() for p in answer_problems(response)]
    assert not failures, "\n".join(failures)


def test_rate_limited_page_carries_the_policy(world, settings):
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "1/hour")
    client = Client()
    data = {"username": "", "email": "bad"}
    client.post(reverse("signup_brand"), data)
    response = client.post(reverse("signup_brand"), data)
    assert response.status_code == 429
    assert not answer_problems(response)


def test_lockout_page_carries_the_policy(world, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _attempt in range(3):
        response = client.post(reverse("login"), {"username": world.creator.user.username, "password": "wrong"})
    assert response.status_code in (403, 429), response.status_code
    assert b"Too many failed log-ins" in response.content
    assert not answer_problems(response)


# --- templates -----------------------------------------------------------------------------------------


def template_files() -> list[Path]:
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(settings.BASE_DIR) / app / "templates" for app in ("influencers", "brands", "campaigns", "config")]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*.html"))


def test_templates_hold_no_inline_script_or_handler_attribute():
    files = template_files()
    assert len(files) > 40, "the template folders moved"
    failures = [
        f"{path.relative_to(settings.BASE_DIR)}: {p}" for path in files for p in markup_problems(path.read_text())
    ]
    assert not failures, "\n".join(failures)


def test_the_checks_can_fail():
    assert markup_problems("<script>alert(1)</script>")
    assert markup_problems('<button onclick="go()">')
    assert markup_problems('<a href="javascript:go()">')
    assert markup_problems('<script src="/static/x.js">alert(1)</script>')
    assert not markup_problems('<script src="/static/x.js"></script><script type="application/json">{}</script>')
    assert not markup_problems('<p data-once="x">only data attributes</p>')
