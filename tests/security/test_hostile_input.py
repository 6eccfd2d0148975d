"""Hostile input against every form and every page's query string (issue #8, item 10).

Every form of the site gets the corpus (tests/security/corpus.py) field by field, on top of an
otherwise valid submission: every text payload on the text fields, every number payload on the
number fields, dates on the dates, a few type-confusion payloads on choices and checkboxes, the
broken and hostile images on the picture. Every answer must be

- below 500;
- a refusal that says why (4xx, the form again with its errors, or a redirect with an error
  message) that changed no row — or an acceptance;
- never an acceptance of NUL, NaN/Infinity or a megabyte of text;
- free of the raw HTML/JS payload: the answer and the pages that show the stored value escape it.

Query strings (discovery with and without htmx, compare, lists, the admin's search) and path values
get the same treatment with GET. The API has its own module (test_hostile_api.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import django_filters
import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.forms import PasswordChangeForm
from django.test import Client
from django.urls import reverse

from brands.forms import BrandProfileForm, BrandSignupForm, InfluencerSignupForm, InvitationSignupForm, TeamInviteForm
from campaigns.forms import AnswerForm, CampaignForm, CancelForm, ReviewForm
from campaigns.services import KIND_TERMS
from influencers.filters import InfluencerFilter
from influencers.forms import ApplyForm, DeliverableSubmitForm, OfferForm, ProfileForm, ReplyForm, SocialAccountForm
from influencers.models import Influencer
from influencers.taxonomy import AgeBand, Gender
from tests.factories import PASSWORD
from tests.module_world import built_once, fresh_copy

from .corpus import NUMBERS, RAW_QUERY_BYTES, SCRIPT_PAYLOAD, SHOWN_PAYLOADS, TEXT, images, payloads_for_field
from .hostile_world import World, attempt, build_world, limits_out_of_reach

pytestmark = pytest.mark.django_db

# Payloads no field may ever accept, by field kind.
MUST_REFUSE = {
    "text": {"nul", "huge_1mb"},
    "number": {"nan", "infinity", "minus_infinity", "exponent_overflow", "nul"},
    "date": {"nul", "year_huge", "feb_30"},
}
NEW_PASSWORD = "Sterk-wachtwoord-9481"


def field_kind(form_field: forms.Field) -> str:
    if isinstance(form_field, forms.FileField):
        return "image"
    if isinstance(form_field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "number"
    if isinstance(form_field, forms.DateField):
        return "date"
    if isinstance(form_field, forms.CharField):
        return "text"
    return "generic"


def kinds_of(form: forms.BaseForm, only: tuple[str, ...] | None = None, skip: tuple[str, ...] = ()) -> dict:
    names = only if only is not None else tuple(form.fields)
    return {name: field_kind(form.fields[name]) for name in names if name not in skip}


@dataclass(frozen=True)
class FormCase:
    id: str
    role: str
    url: Callable[[World], str]
    base: Callable[[World], dict]
    fields: Callable[[World], dict[str, str]]
    # Pages (role, url) that print what this form stores: an accepted payload must show escaped there.
    show: Callable[[World], list[tuple[str, str]]] = field(default=lambda w: [])


def _campaign_base(kind: str) -> dict:
    base = {
        "title": "Spring launch",
        "brief": "Show the product.",
        "kind": kind,
        "currency": "EUR",
        "budget_total": "5000",
        "budget_per_creator": "500",
        "starts_on": "2030-01-01",
        "ends_on": "2030-03-01",
        "visibility": "public",
        "platforms": ["instagram"],
    }
    base |= {
        "sponsored_post": {"posts_count": "2", "formats": ["reel"]},
        "review": {"product_name": "Shoe", "product_value": "120", "honest_review_clause": "on"},
        "giveaway": {
            "prize": "Tickets",
            "prize_value": "300",
            "winners_count": "2",
            "entry_end_date": "2030-02-01",
            "winner_announcement_date": "2030-02-05",
        },
        "ambassadorship": {"duration_months": "3", "posts_per_month": "2", "monthly_fee": "150"},
    }[kind]
    return base


SPONSORED_FIELDS = (
    "title",
    "brief",
    "kind",
    "posts_count",
    "formats",
    "niches",
    "platforms",
    "target_countries",
    "min_followers",
    "budget_total",
    "budget_per_creator",
    "starts_on",
    "currency",
    "visibility",
)


def _campaign_fields(kind: str) -> Callable[[World], dict]:
    def fields(w: World) -> dict:
        form = CampaignForm()
        if kind == "sponsored_post":
            # The general fields with a representative of each kind of input; the other kinds' terms
            # (which the form ignores for this kind) get their own cases.
            return kinds_of(form, only=SPONSORED_FIELDS)
        return kinds_of(form, only=("title", *KIND_TERMS[kind]))

    return fields


def _audience_base() -> dict:
    data = {f"age_{band.value}": "0" for band in AgeBand} | {f"gender_{g.value}": "0" for g in Gender}
    data[f"age_{AgeBand.values[1]}"] = "100"
    data[f"gender_{Gender.values[0]}"] = "100"
    return data | {"country_1": "NL", "country_share_1": "100", "language_1": "nl", "language_share_1": "100"}


def _audience_fields(w: World) -> dict:
    # One field per kind of audience input: a percentage of each dimension, a country and a language row.
    names = (f"age_{AgeBand.values[1]}", f"gender_{Gender.values[0]}", "country_1", "country_share_1")
    return {name: ("number" if "country_" not in name or "share" in name else "generic") for name in names} | {
        "language_1": "generic",
        "language_share_1": "number",
    }


SIGNUP = {"username": "newcomer", "email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
OFFER = {
    "kind": "sponsored_post",
    "platform": "instagram",
    "title": "Reel",
    "deliverables": "One reel",
    "price": "100",
    "currency": "EUR",
    "turnaround_days": "7",
    "is_active": "on",
}
ACCOUNT = {"platform": "instagram", "handle": "new.handle", "url": "https://www.instagram.com/new.handle/"}


def _profile(w: World) -> str:
    return reverse("influencers:profile", args=[w.creator.handle])


FORM_CASES = [
    FormCase(
        "signup_creator",
        "anonymous",
        lambda w: reverse("signup_influencer"),
        lambda w: SIGNUP | {"display_name": "Newcomer", "handle": "newcomer.nl"},
        lambda w: kinds_of(InfluencerSignupForm()),
    ),
    FormCase(
        "signup_brand",
        "anonymous",
        lambda w: reverse("signup_brand"),
        lambda w: SIGNUP | {"brand_name": "New Brand", "website": "https://example.com", "country": "NL"},
        lambda w: kinds_of(BrandSignupForm()),
    ),
    FormCase(
        "login",
        "anonymous",
        lambda w: reverse("login"),
        lambda w: {"username": w.creator.user.username, "password": PASSWORD},
        lambda w: {"username": "text", "password": "text"},
    ),
    FormCase(
        "password_reset",
        "anonymous",
        lambda w: reverse("password_reset"),
        lambda w: {"email": w.creator.user.email},
        lambda w: {"email": "text"},
    ),
    FormCase(
        "invitation_signup",
        "anonymous",
        lambda w: reverse("brand_invitation_accept", args=[w.invitation_token]),
        lambda w: {"username": "teammate", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        lambda w: kinds_of(InvitationSignupForm(email="x@example.com")),
    ),
    FormCase(
        "password_change",
        "creator",
        lambda w: reverse("password_change"),
        lambda w: {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        lambda w: kinds_of(PasswordChangeForm(user=None)),
    ),
    FormCase(
        "me_profile",
        "creator",
        lambda w: reverse("me:profile"),
        lambda w: {"display_name": "Sanne", "bio": "Runs", "country": "NL", "city": "Utrecht", "languages": ["nl"]},
        lambda w: kinds_of(ProfileForm(), skip=("avatar",)),
        lambda w: [
            ("creator", reverse("me:profile")),
            ("brand", _profile(w)),
            ("brand", reverse("influencers:discover")),
        ],
    ),
    FormCase(
        "me_account_add",
        "creator",
        lambda w: reverse("me:accounts"),
        lambda w: ACCOUNT | {"followers": "100"},
        lambda w: kinds_of(SocialAccountForm()),
        lambda w: [("creator", reverse("me:accounts")), ("brand", _profile(w))],
    ),
    FormCase(
        "me_account_edit",
        "creator",
        lambda w: reverse("me:account_edit", args=[w.account.pk]),
        lambda w: ACCOUNT | {"followers": "100"},
        lambda w: kinds_of(SocialAccountForm()),
        lambda w: [("creator", reverse("me:accounts"))],
    ),
    FormCase(
        "me_audience",
        "creator",
        lambda w: reverse("me:audience"),
        lambda w: _audience_base(),
        _audience_fields,
        lambda w: [("creator", reverse("me:audience")), ("brand", _profile(w))],
    ),
    FormCase(
        "me_offer_add",
        "creator",
        lambda w: reverse("me:offer_create"),
        lambda w: OFFER,
        lambda w: kinds_of(OfferForm()),
        lambda w: [("creator", reverse("me:offers")), ("brand", _profile(w))],
    ),
    FormCase(
        "me_offer_edit",
        "creator",
        lambda w: reverse("me:offer_edit", args=[w.offer.pk]),
        lambda w: OFFER,
        lambda w: kinds_of(OfferForm(), only=("title", "deliverables", "price", "turnaround_days")),
        lambda w: [("creator", reverse("me:offers"))],
    ),
    FormCase(
        "me_apply",
        "creator",
        lambda w: reverse("me:opportunity", args=[w.open_campaign.pk]),
        lambda w: {"message": "I fit", "proposed_fee": "100"},
        lambda w: kinds_of(ApplyForm(influencer=w.creator, kind="sponsored_post")),
        lambda w: [("brand", reverse("campaigns:applications", args=[w.open_campaign.pk]))],
    ),
    FormCase(
        "me_message",
        "creator",
        lambda w: reverse("me:collaboration_message", args=[w.working.pk]),
        lambda w: {"message": "Hello"},
        lambda w: {"message": "text"},
        lambda w: [
            ("creator", reverse("me:collaboration", args=[w.working.pk])),
            ("brand", reverse("campaigns:collaboration", args=[w.working.campaign_id, w.working.pk])),
            ("brand", reverse("notifications:list")),
        ],
    ),
    FormCase(
        "me_decline",
        "creator",
        lambda w: reverse("me:collaboration_action", args=[w.invited.pk, "decline"]),
        lambda w: {"message": "No thanks"},
        lambda w: kinds_of(ReplyForm()),
        lambda w: [("creator", reverse("me:collaboration", args=[w.invited.pk]))],
    ),
    FormCase(
        "me_submit",
        "creator",
        lambda w: reverse("me:submit", args=[w.to_submit.pk]),
        lambda w: {"submitted_url": "https://instagram.com/p/2", "draft_text": "#ad new post"},
        lambda w: kinds_of(DeliverableSubmitForm()),
        lambda w: [
            ("creator", reverse("me:collaboration", args=[w.to_submit.pk])),
            ("brand", reverse("campaigns:deliverables", args=[w.to_submit.campaign_id])),
        ],
    ),
    *(
        FormCase(
            f"campaign_create_{kind}",
            "brand",
            lambda w: reverse("campaigns:create"),
            lambda w, kind=kind: _campaign_base(kind),
            _campaign_fields(kind),
            lambda w: [("brand", reverse("campaigns:list"))],
        )
        for kind in KIND_TERMS
    ),
    FormCase(
        "campaign_edit",
        "brand",
        lambda w: reverse("campaigns:edit", args=[w.drafts["review"].pk]),
        lambda w: _campaign_base("review"),
        lambda w: kinds_of(CampaignForm(), only=("title", "brief", *KIND_TERMS["review"], "budget_total")),
        lambda w: [("brand", reverse("campaigns:detail", args=[w.drafts["review"].pk]))],
    ),
    FormCase(
        "campaign_cancel",
        "brand",
        lambda w: reverse("campaigns:action", args=[w.open_campaign.pk, "cancel"]),
        lambda w: {"reason": "Budget cut"},
        lambda w: kinds_of(CancelForm()),
        lambda w: [("creator", reverse("notifications:list"))],
    ),
    FormCase(
        "brand_accept_application",
        "brand",
        lambda w: reverse("campaigns:collaboration_action", args=[w.applied.campaign_id, w.applied.pk, "accept"]),
        lambda w: {"message": "Welcome", "agreed_fee": "150"},
        lambda w: kinds_of(AnswerForm()),
        lambda w: [("brand", reverse("campaigns:collaboration", args=[w.applied.campaign_id, w.applied.pk]))],
    ),
    FormCase(
        "brand_message",
        "brand",
        lambda w: reverse("campaigns:collaboration_message", args=[w.working.campaign_id, w.working.pk]),
        lambda w: {"message": "Hello"},
        lambda w: {"message": "text"},
        lambda w: [("creator", reverse("me:collaboration", args=[w.working.pk]))],
    ),
    FormCase(
        "brand_review",
        "brand",
        lambda w: reverse("campaigns:review", args=[w.giveaway.pk, w.deliverable.pk]),
        lambda w: {"decision": "revise", "comment": "Shorter, please"},
        lambda w: kinds_of(ReviewForm()),
        lambda w: [("creator", reverse("me:collaboration", args=[w.working.pk]))],
    ),
    FormCase(
        "brand_winners",
        "brand",
        lambda w: reverse("campaigns:winners", args=[w.giveaway.pk]),
        lambda w: {"announced_in": [str(w.working.pk)]},
        lambda w: {"announced_in": "generic"},
    ),
    FormCase(
        "shortlist_create",
        "brand",
        lambda w: reverse("shortlists:list"),
        lambda w: {"name": "New list"},
        lambda w: {"name": "text"},
        lambda w: [("brand", reverse("shortlists:list"))],
    ),
    FormCase(
        "saved_search_create",
        "brand",
        lambda w: reverse("brand:saved_search_create"),
        lambda w: {"name": "Gym", "query": "niches=fitness"},
        lambda w: {"name": "text", "query": "text"},
        lambda w: [
            ("brand", reverse("brand:dashboard")),
            ("brand", reverse("influencers:discover") + "?niches=fitness"),
        ],
    ),
    FormCase(
        "shortlist_rename",
        "brand",
        lambda w: reverse("shortlists:rename", args=[w.shortlist.pk]),
        lambda w: {"name": "Renamed"},
        lambda w: {"name": "text"},
        lambda w: [("brand", reverse("shortlists:detail", args=[w.shortlist.pk]))],
    ),
    FormCase(
        "shortlist_add",
        "brand",
        lambda w: reverse("shortlists:add"),
        lambda w: {"influencer": w.creator_b.handle, "new_name": "Second list"},
        lambda w: {"influencer": "text", "new_name": "text", "shortlist": "generic"},
        lambda w: [("brand", reverse("shortlists:list"))],
    ),
    FormCase(
        "shortlist_note",
        "brand",
        lambda w: reverse("shortlists:entry_note", args=[w.shortlist.pk, w.entry.pk]),
        lambda w: {"note": "Great fit"},
        lambda w: {"note": "text"},
        lambda w: [("brand", reverse("shortlists:detail", args=[w.shortlist.pk]))],
    ),
    FormCase(
        "brand_profile",
        "brand",
        lambda w: reverse("brand:profile"),
        lambda w: {"name": "Hostile Brand", "website": "https://example.com", "country": "NL", "description": "Hi"},
        lambda w: kinds_of(BrandProfileForm()),
        lambda w: [("brand", reverse("brand:profile")), ("creator", reverse("me:opportunities"))],
    ),
    FormCase(
        "brand_team_invite",
        "brand",
        lambda w: reverse("brand:team"),
        lambda w: {"email": "mate@example.com"},
        lambda w: kinds_of(TeamInviteForm()),
        lambda w: [("brand", reverse("brand:team"))],
    ),
    FormCase(
        "brand_invite_creator",
        "brand",
        lambda w: reverse("recommendations:invite", args=[w.creator_b.handle]),
        lambda w: {"campaign": str(w.open_campaign.pk), "message": "Join us", "proposed_fee": "100"},
        lambda w: {"campaign": "generic", "offer": "generic", "proposed_fee": "number", "message": "text"},
        lambda w: [("brand", reverse("campaigns:people", args=[w.open_campaign.pk]))],
    ),
    FormCase(
        "api_token",
        "creator",
        lambda w: reverse("api_token"),
        lambda w: {"action": "create"},
        lambda w: {"action": "generic"},
    ),
]


@pytest.fixture(scope="module")
def hostile_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module; each test's writes are rolled back (tests/module_world.py)."""
    yield from built_once(django_db_blocker, build_world)


@pytest.fixture
def world(hostile_world: World, settings, monkeypatch) -> World:
    limits_out_of_reach(settings, monkeypatch)
    return fresh_copy(hostile_world)


@pytest.fixture
def clients(world: World) -> dict[str, Client]:
    result = {}
    for role, user in world.users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        result[role] = client
    return result


def _body(data: dict, name: str, raw: str | None = None) -> str:
    """The urlencoded body, with `name` replaced by `raw` (already percent-encoded bytes) if given."""
    rest = {key: value for key, value in data.items() if key != name}
    encoded = urlencode(rest, doseq=True)
    if raw is None:
        return encoded
    return f"{encoded}&{quote(name)}={raw}"


def _show(clients: dict[str, Client], pages: list[tuple[str, str]]) -> Callable[[], list]:
    return lambda: [clients[role].get(url) for role, url in pages]


def _post(client: Client, url: str, body: str, user=None) -> Callable[[], object]:
    """The request, sent logged in as `user` (again: an accepted request rolled back may have
    rotated the session — a password change, a sign-up)."""
    if user is not None:
        client.force_login(user)
    return lambda: client.post(url, body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("case", FORM_CASES, ids=[c.id for c in FORM_CASES])
def test_form_refuses_or_escapes_every_hostile_value(case: FormCase, world: World, clients: dict[str, Client]):
    client = clients[case.role]
    user = world.users[case.role]
    url = case.url(world)
    base = case.base(world)
    show = _show(clients, case.show(world))
    # The valid submission is accepted, so each refusal below is the payload's doing.
    baseline = attempt(_post(client, url, _body(base, ""), user), show=show)
    assert baseline.accepted, f"the base submission of {case.id} is refused: {baseline}"
    assert not baseline.problems, baseline
    failures = []
    fields = case.fields(world)
    assert fields, "no fields to attack"
    tried = 0
    for name, kind in fields.items():
        payloads = {key: quote(value, safe="") for key, value in payloads_for_field(kind).items()}
        if kind == "text":
            payloads |= RAW_QUERY_BYTES
        for payload_name, raw in payloads.items():
            look = show if payload_name in SHOWN_PAYLOADS else None
            outcome = attempt(_post(client, url, _body(base, name, raw), user), show=look)
            tried += 1
            problems = list(outcome.problems)
            if outcome.accepted and payload_name in MUST_REFUSE.get(kind, ()):
                problems.append("accepted")
            if problems:
                failures.append(f"{name}={payload_name}: HTTP {outcome.status}: {'; '.join(problems)}")
    assert not failures, f"{case.id}: {len(failures)} of {tried} hostile submissions misbehaved:\n" + "\n".join(
        failures
    )


# --- images ----------------------------------------------------------------------------------------


def _media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("image", sorted(images()))
def test_avatar_refuses_files_that_are_not_safe_pictures(image, world, clients, settings):
    client = clients["creator"]
    upload = images()[image]
    data = {"display_name": "Sanne", "bio": "Runs", "country": "NL", "city": "Utrecht", "avatar": upload}
    outcome = attempt(lambda: client.post(reverse("me:profile"), data))
    assert not outcome.problems, outcome
    assert not outcome.accepted, outcome
    page = client.post(reverse("me:profile"), {**data, "avatar": images()[image]})
    assert page.status_code == 200
    errors = page.context["form"].errors["avatar"]
    assert any(word in " ".join(errors) for word in ("JPEG", "2 MB", "megapixels", "empty")), errors
    assert _media_files(settings) == [], "a refused picture was stored"
    assert Influencer.objects.get(pk=world.creator.pk).avatar.name == ""


def test_a_real_picture_is_accepted_so_the_refusals_mean_something(world, clients, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .corpus import valid_png

    upload = SimpleUploadedFile("me.png", valid_png(), "image/png")
    data = {"display_name": "Sanne", "bio": "Runs", "country": "NL", "city": "Utrecht", "avatar": upload}
    response = clients["creator"].post(reverse("me:profile"), data)
    assert response.status_code == 302
    assert Influencer.objects.get(pk=world.creator.pk).avatar.name.endswith(".jpg")


# --- query strings and path values ----------------------------------------------------------------

# Query values by the kind of parameter: text gets the text payloads (and raw bytes), numbers the numbers.
QUERY_TEXT = {k: quote(TEXT[k], safe="") for k in ("nul", "html_script", "sql_quote", "rtl_override", "emoji")}
QUERY_TEXT |= RAW_QUERY_BYTES | {"huge_100k": "x" * 100_000}
QUERY_NUMBER = {
    k: quote(NUMBERS[k], safe="")
    for k in ("nan", "infinity", "negative_huge", "very_huge", "exponent_overflow", "int64_overflow", "word", "nul")
}
QUERY_CHOICE = {"nul": "%00", "surrogate": "%ED%A0%80", "html_script": quote(SCRIPT_PAYLOAD, safe=""), "word": "zz"}
QUERY_PAYLOADS = {"text": QUERY_TEXT, "number": QUERY_NUMBER, "choice": QUERY_CHOICE}
# The admin's list filters and search get the whole corpus: config/middleware.py answers NUL and
# over-long query values with a 400 before Django's admin builds its query.
QUERY_PAYLOADS["admin"] = QUERY_TEXT
QUERY_PAYLOADS["admin_choice"] = QUERY_CHOICE


def _filter_kind(name: str) -> str:
    filter_ = InfluencerFilter.base_filters.get(name)
    if isinstance(filter_, django_filters.NumberFilter):
        return "number"
    if isinstance(filter_, django_filters.CharFilter) or filter_ is None:
        return "text"
    return "choice"


def _query_pages(w: World) -> list[tuple[str, str, dict[str, str], dict]]:
    """(role, path, parameter names, extra headers) of every page that reads its query string."""
    discovery = {name: _filter_kind(name) for name in [*InfluencerFilter.base_filters, "cursor"]}
    campaign = w.giveaway.pk
    text, number, choice = "text", "number", "choice"
    return [
        ("brand", reverse("influencers:discover"), discovery, {}),
        ("brand", reverse("influencers:discover"), {"q": text, "followers_min": number}, {"HTTP_HX_REQUEST": "true"}),
        ("staff", reverse("influencers:discover"), {"q": text, "audience_country_min": number}, {}),
        ("brand", reverse("recommendations:compare"), {"h": text, "campaign": number}, {}),
        ("brand", reverse("recommendations:list", args=[campaign]), {"after": number}, {}),
        ("brand", reverse("recommendations:progress", args=[campaign]), {"was": choice}, {"HTTP_HX_REQUEST": "true"}),
        ("brand", reverse("recommendations:invite", args=[w.creator_b.handle]), {"campaign": number}, {}),
        ("brand", reverse("campaigns:list"), {"status": choice, "page": number}, {}),
        ("brand", reverse("campaigns:applications", args=[campaign]), {"page": number}, {}),
        ("creator", reverse("me:collaborations"), {"page": number}, {}),
        ("creator", reverse("me:submit", args=[w.to_submit.pk]), {"deliverable": number}, {}),
        ("creator", reverse("notifications:list"), {"page": number}, {}),
        ("anonymous", reverse("login"), {"next": text}, {}),
        (
            "staff",
            reverse("admin:influencers_influencer_changelist"),
            {"q": "admin", "status__exact": "admin_choice"},
            {},
        ),
        ("staff", reverse("admin:campaigns_campaign_changelist"), {"q": "admin", "o": choice}, {}),
    ]


def test_query_strings_never_break_a_page(world, clients):
    failures = []
    tried = 0
    for role, path, names, headers in _query_pages(world):
        client = clients[role]
        for name, kind in names.items():
            for payload_name, raw in QUERY_PAYLOADS[kind].items():
                url = f"{path}?{quote(name)}={raw}"
                outcome = attempt(lambda url=url, client=client, headers=headers: client.get(url, **headers))
                tried += 1
                problems = [p for p in outcome.problems if not p.startswith("answered 200")]
                if outcome.changed:
                    problems.append(f"a GET wrote to {outcome.changed}")
                if problems:
                    failures.append(
                        f"{role} {path} {name}={payload_name}: HTTP {outcome.status}: {'; '.join(problems)}"
                    )
    assert not failures, f"{len(failures)} of {tried} hostile query strings misbehaved:\n" + "\n".join(failures)


PATH_PAYLOADS = {
    "nul": "%00",
    "html": quote(SCRIPT_PAYLOAD, safe=""),
    "sql": quote("x' OR '1'='1", safe=""),
    "surrogate": "%ED%A0%80",
    "huge": "x" * 5000,
    "rtl": quote("\u202eabc", safe=""),
    "dots": "..",
}


def test_path_values_never_break_a_page(world, clients):
    templates = [
        ("brand", "/influencers/{}/"),
        ("brand", "/brand/campaigns/invite/{}/"),
        ("anonymous", "/accounts/invitations/{}/"),
        ("creator", "/accounts/invitations/{}/"),
        ("staff", "/admin/influencers/influencer/{}/change/"),
        ("staff", "/admin/campaigns/campaign/{}/change/"),
        ("brand", "/api/v1/influencers/{}/"),
    ]
    failures = []
    for role, template in templates:
        for payload_name, raw in PATH_PAYLOADS.items():
            url = template.format(raw)
            outcome = attempt(lambda url=url, role=role: clients[role].get(url))
            problems = [p for p in outcome.problems if not p.startswith("answered 200")] + (
                [f"a GET wrote to {outcome.changed}"] if outcome.changed else []
            )
            if outcome.status not in (302, 404) and outcome.status < 500 and not problems:
                problems.append(f"expected a 404 (or the admin's redirect), got {outcome.status}")
            if problems:
                failures.append(f"{role} {template} {payload_name}: HTTP {outcome.status}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)


def test_every_model_admin_search_survives_hostile_text(world, clients):
    """Every registered model's changelist search: NUL, a lone surrogate and SQL fragments."""
    failures = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields:
            continue
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for payload_name, raw in {"nul": "%00", "surrogate": "%ED%A0%80", "sql": quote("' OR 1=1 --")}.items():
            outcome = attempt(lambda path=path, raw=raw: clients["staff"].get(f"{path}?q={raw}"))
            if outcome.status >= 500 or outcome.changed or any("unescaped" in p for p in outcome.problems):
                failures.append(f"{path} q={payload_name}: {outcome}")
    assert not failures, "\n".join(failures)


def test_the_attack_checks_can_fail(world, clients):
    """The judge itself: a page that printed the payload raw, or a refusal that wrote, is caught."""
    from django.http import HttpResponse

    from .hostile_world import unescaped_markers

    raw = HttpResponse(f"<p>{SCRIPT_PAYLOAD}</p>", content_type="text/html")
    assert unescaped_markers(raw) == [SCRIPT_PAYLOAD]

    def write_then_refuse():
        Influencer.objects.get(pk=world.creator.pk).save()
        return HttpResponse("no", status=400)

    outcome = attempt(write_then_refuse)
    assert outcome.problems
    assert "refused but wrote" in outcome.problems[0]


# --- the fixes, one by one -------------------------------------------------------------------------


def test_a_message_with_nul_is_refused_by_the_service(world):
    from campaigns.services import collaboration_message_add
    from influencers.kernel.errors import DomainError

    with pytest.raises(DomainError) as refused:
        collaboration_message_add(collaboration=world.working, by=world.creator.user, body="hi\x00there")
    assert refused.value.field == "message"
    assert not world.working.messages.filter(body__contains="there").exists()


def test_a_shortlist_name_with_nul_is_refused_by_the_service(world):
    from brands.services import shortlist_create, shortlist_rename
    from influencers.kernel.errors import DomainError

    with pytest.raises(DomainError):
        shortlist_create(brand=world.member.brand, name="List\x00", by=world.member.user)
    with pytest.raises(DomainError):
        shortlist_rename(shortlist=world.shortlist, name="List\x00", by=world.member.user)


def test_an_id_no_database_can_hold_is_an_unknown_choice(world):
    form = ProfileForm(data={"display_name": "S", "country": "NL", "niches": ["9" * 40]}, instance=world.creator)
    assert not form.is_valid()
    assert "niches" in form.errors


def test_discovery_refuses_a_search_longer_than_names_are(world, clients):
    from influencers.filters import SEARCH_MAX_LENGTH

    response = clients["brand"].get(reverse("influencers:discover"), {"q": "x" * (SEARCH_MAX_LENGTH + 1)})
    assert response.status_code == 200
    assert "Some filters were not applied" in response.content.decode()
    assert response.context["form"].errors["q"]
