"""Hostile input against every write endpoint and the list endpoints' query strings of the API
(issue #8, item 10; the pages are in test_hostile_input.py, the metric import's file corpus is
tested with the importer).

Each writable field of each write endpoint's input serializer gets, on top of a valid body: the
text payloads (as JSON strings) on text fields, wrong JSON types on every field, and the JSON texts
json.dumps cannot write — NaN, Infinity, 1e999999, a lone surrogate — sent raw. Every answer must
be below 500; a refusal is a 4xx in the API's error shape and writes nothing; NUL, a megabyte of
text, NaN/Infinity and lone surrogates are never accepted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from brands.accounts.api_tokens import api_token_issue
from brands.serializers import (
    BrandSerializer,
    SavedSearchSerializer,
    SavedSearchUpdateSerializer,
    ShortlistEntryCreateSerializer,
    ShortlistEntryNoteSerializer,
    ShortlistSerializer,
)
from campaigns.serializers import (
    ApplySerializer,
    CampaignCancelSerializer,
    CampaignSerializer,
    CollaborationActionSerializer,
    InviteSerializer,
    MessageCreateSerializer,
    ReviewSerializer,
    RevisionSerializer,
    SubmitSerializer,
)
from influencers.filters import InfluencerFilter
from influencers.serializers import AudienceSerializer, MyAccountSerializer, MyOfferSerializer, MyProfileSerializer
from tests.module_world import built_once, fresh_copy

from .corpus import JSON_WRONG_TYPES, RAW_JSON_VALUES, RAW_QUERY_BYTES, SCRIPT_PAYLOAD, TEXT
from .hostile_world import World, attempt, build_world, limits_out_of_reach

pytestmark = pytest.mark.django_db

HOSTILE = "__hostile_value__"
MUST_REFUSE = {
    "text": {"nul", "huge_1mb", "raw_lone_surrogate", "raw_nan", "raw_infinity", "raw_minus_infinity"},
    "number": {"raw_nan", "raw_infinity", "raw_minus_infinity", "raw_huge_exponent", "nan_string", "infinity_string"},
}


@dataclass(frozen=True)
class ApiCase:
    id: str
    role: str
    method: str
    url: Callable[[World], str]
    base: Callable[[World], dict]
    serializer: type[serializers.Serializer]


CAMPAIGN = {
    "title": "API launch",
    "brief": "Show it.",
    "kind": "sponsored_post",
    "posts_count": 2,
    "formats": ["reel"],
    "platforms": ["instagram"],
    "budget_total": "5000.00",
    "budget_per_creator": "500.00",
    "starts_on": "2030-01-01",
    "ends_on": "2030-03-01",
}
AUDIENCE = {
    "ages": {"13_17": 0.1, "18_24": 0.4, "25_34": 0.3, "35_44": 0.1, "45_54": 0.05, "55_plus": 0.05},
    "genders": {"female": 0.5, "male": 0.45, "other": 0.05},
    "countries": [{"country": "NL", "share": 1.0}],
    "languages": [{"language": "nl", "share": 1.0}],
}
ACCOUNT = {"platform": "instagram", "handle": "api.handle", "url": "https://www.instagram.com/api.handle/"}
OFFER = {"kind": "sponsored_post", "platform": "instagram", "title": "Reel", "price": "100.00"}
V1 = "/api/v1"

API_CASES = [
    ApiCase(
        "me_profile",
        "creator",
        "patch",
        lambda w: f"{V1}/me/profile/",
        lambda w: {"display_name": "S"},
        MyProfileSerializer,
    ),
    ApiCase(
        "me_account_add", "creator", "post", lambda w: f"{V1}/me/accounts/", lambda w: ACCOUNT, MyAccountSerializer
    ),
    ApiCase(
        "me_account_edit",
        "creator",
        "patch",
        lambda w: f"{V1}/me/accounts/{w.account.pk}/",
        lambda w: ACCOUNT | {"followers": 5},
        MyAccountSerializer,
    ),
    ApiCase("me_audience", "creator", "put", lambda w: f"{V1}/me/audience/", lambda w: AUDIENCE, AudienceSerializer),
    ApiCase("me_offer_add", "creator", "post", lambda w: f"{V1}/me/offers/", lambda w: OFFER, MyOfferSerializer),
    ApiCase(
        "me_offer_edit",
        "creator",
        "patch",
        lambda w: f"{V1}/me/offers/{w.offer.pk}/",
        lambda w: OFFER,
        MyOfferSerializer,
    ),
    ApiCase("brand_me", "brand", "patch", lambda w: f"{V1}/brands/me/", lambda w: {"name": "B"}, BrandSerializer),
    ApiCase(
        "shortlist_add", "brand", "post", lambda w: f"{V1}/shortlists/", lambda w: {"name": "L"}, ShortlistSerializer
    ),
    ApiCase(
        "saved_search_add",
        "brand",
        "post",
        lambda w: f"{V1}/saved-searches/",
        lambda w: {"name": "S", "query": "niches=fitness"},
        SavedSearchSerializer,
    ),
    ApiCase(
        "saved_search_edit",
        "brand",
        "patch",
        lambda w: f"{V1}/saved-searches/{w.saved_search.pk}/",
        lambda w: {"name": "R", "notify": False},
        SavedSearchUpdateSerializer,
    ),
    ApiCase(
        "shortlist_rename",
        "brand",
        "patch",
        lambda w: f"{V1}/shortlists/{w.shortlist.pk}/",
        lambda w: {"name": "R"},
        ShortlistSerializer,
    ),
    ApiCase(
        "shortlist_entry_add",
        "brand",
        "post",
        lambda w: f"{V1}/shortlists/{w.shortlist.pk}/entries/",
        lambda w: {"influencer": w.creator_b.handle, "note": "n"},
        ShortlistEntryCreateSerializer,
    ),
    ApiCase(
        "shortlist_entry_note",
        "brand",
        "patch",
        lambda w: f"{V1}/shortlists/{w.shortlist.pk}/entries/{w.entry.pk}/",
        lambda w: {"note": "n"},
        ShortlistEntryNoteSerializer,
    ),
    ApiCase("campaign_add", "brand", "post", lambda w: f"{V1}/campaigns/", lambda w: CAMPAIGN, CampaignSerializer),
    ApiCase(
        "campaign_edit",
        "brand",
        "patch",
        lambda w: f"{V1}/campaigns/{w.drafts['sponsored_post'].pk}/",
        lambda w: CAMPAIGN,
        CampaignSerializer,
    ),
    ApiCase(
        "campaign_cancel",
        "brand",
        "post",
        lambda w: f"{V1}/campaigns/{w.open_campaign.pk}/cancel/",
        lambda w: {"reason": "r"},
        CampaignCancelSerializer,
    ),
    ApiCase(
        "campaign_invite",
        "brand",
        "post",
        lambda w: f"{V1}/campaigns/{w.open_campaign.pk}/invite/",
        lambda w: {"influencer": w.creator_b.handle, "message": "m", "proposed_fee": "100.00"},
        InviteSerializer,
    ),
    ApiCase(
        "campaign_apply",
        "creator",
        "post",
        lambda w: f"{V1}/campaigns/{w.open_campaign.pk}/apply/",
        lambda w: {"message": "m", "proposed_fee": "100.00"},
        ApplySerializer,
    ),
    ApiCase(
        "collaboration_decline",
        "creator",
        "post",
        lambda w: f"{V1}/collaborations/{w.invited.pk}/decline/",
        lambda w: {"message": "m"},
        CollaborationActionSerializer,
    ),
    ApiCase(
        "collaboration_accept",
        "brand",
        "post",
        lambda w: f"{V1}/collaborations/{w.applied.pk}/accept/",
        lambda w: {"message": "m", "agreed_fee": "100.00"},
        CollaborationActionSerializer,
    ),
    ApiCase(
        "collaboration_message",
        "creator",
        "post",
        lambda w: f"{V1}/collaborations/{w.working.pk}/messages/",
        lambda w: {"body": "b"},
        MessageCreateSerializer,
    ),
    ApiCase(
        "collaboration_submit",
        "creator",
        "post",
        lambda w: f"{V1}/collaborations/{w.to_submit.pk}/submit/",
        lambda w: {"url": "https://instagram.com/p/9", "draft_text": "#ad"},
        SubmitSerializer,
    ),
    ApiCase(
        "deliverable_approve",
        "brand",
        "post",
        lambda w: f"{V1}/collaborations/{w.working.pk}/deliverables/{w.deliverable.pk}/approve/",
        lambda w: {"comment": "c"},
        ReviewSerializer,
    ),
    ApiCase(
        "deliverable_revision",
        "brand",
        "post",
        lambda w: f"{V1}/collaborations/{w.working.pk}/deliverables/{w.deliverable.pk}/request-revision/",
        lambda w: {"comment": "c"},
        RevisionSerializer,
    ),
]


def field_kind(field: serializers.Field) -> str:
    if isinstance(field, serializers.CharField):
        return "text"
    if isinstance(field, serializers.IntegerField | serializers.FloatField | serializers.DecimalField):
        return "number"
    return "generic"


def writable_fields(serializer_class: type[serializers.Serializer]) -> dict[str, str]:
    fields = serializer_class().fields
    return {name: field_kind(field) for name, field in fields.items() if not field.read_only}


def raw_payloads(kind: str) -> dict[str, str]:
    """JSON texts for one field's value, by kind of field."""
    payloads = {f"type_{name}": json.dumps(value) for name, value in JSON_WRONG_TYPES.items()}
    payloads |= {f"raw_{name}": text for name, text in RAW_JSON_VALUES.items()}
    if kind == "text":
        payloads |= {name: json.dumps(value) for name, value in TEXT.items()}
    elif kind == "number":
        strings = {"nan_string": "NaN", "infinity_string": "Infinity", "negative": "-1", "exponent": "1e5"}
        payloads |= {name: json.dumps(value) for name, value in strings.items()}
        payloads |= {"huge_string": json.dumps("9" * 5000), "nul_string": json.dumps("1\x00")}
    else:
        payloads |= {"nul": json.dumps("\x00"), "html": json.dumps(SCRIPT_PAYLOAD), "huge": json.dumps("x" * 100_000)}
    return payloads


@pytest.fixture(scope="module")
def hostile_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module; each test's writes are rolled back (tests/module_world.py)."""
    yield from built_once(django_db_blocker, build_world)


@pytest.fixture
def world(hostile_world: World, settings, monkeypatch) -> World:
    limits_out_of_reach(settings, monkeypatch)
    return fresh_copy(hostile_world)


@pytest.fixture
def api(world: World) -> dict[str, APIClient]:
    clients = {}
    for role in ("creator", "brand", "staff"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=world.users[role]).key}")
        clients[role] = client
    return clients


def _send(client: APIClient, method: str, url: str, body: str) -> Callable[[], object]:
    return lambda: getattr(client, method)(url, body, content_type="application/json")


def _error_shape_problem(response, name: str) -> str | None:
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return f"a {response.status_code} that is not JSON"
    if set(body) != {"status", "code", "detail", "fields"} or not body["detail"]:
        return f"a {response.status_code} outside the error shape: {str(body)[:200]}"
    return None


@pytest.mark.parametrize("case", API_CASES, ids=[c.id for c in API_CASES])
def test_write_endpoint_refuses_hostile_values(case: ApiCase, world: World, api: dict[str, APIClient]):
    client = api[case.role]
    url = case.url(world)
    base = case.base(world)
    baseline = attempt(_send(client, case.method, url, json.dumps(base)), is_api=True)
    assert baseline.accepted, f"the base body of {case.id} is refused: {baseline}"
    failures = []
    tried = 0
    for name, kind in writable_fields(case.serializer).items():
        template = json.dumps(base | {name: HOSTILE})
        for payload_name, raw in raw_payloads(kind).items():
            body = template.replace(json.dumps(HOSTILE), raw)
            response_holder = {}

            def send(body=body, holder=response_holder):
                holder["response"] = _send(client, case.method, url, body)()
                return holder["response"]

            outcome = attempt(send, is_api=True)
            tried += 1
            problems = list(outcome.problems)
            if outcome.accepted and payload_name in MUST_REFUSE.get(kind, ()):
                problems.append("accepted")
            if "response" in response_holder and (shape := _error_shape_problem(response_holder["response"], name)):
                problems.append(shape)
            if problems:
                failures.append(f"{name}={payload_name}: HTTP {outcome.status}: {'; '.join(problems)}")
    assert not failures, f"{case.id}: {len(failures)} of {tried} hostile bodies misbehaved:\n" + "\n".join(failures)


def test_list_endpoints_refuse_hostile_query_values(world: World, api: dict[str, APIClient]):
    values = {
        "nul": "%00",
        "surrogate": RAW_QUERY_BYTES["lone_surrogate"],
        "invalid_utf8": RAW_QUERY_BYTES["invalid_utf8"],
        "html": quote(SCRIPT_PAYLOAD, safe=""),
        "huge": "x" * 100_000,
        "nan": "NaN",
        "infinity": "Infinity",
        "huge_number": "9" * 5000,
        "negative": "-1",
    }
    lists = {
        f"{V1}/influencers/": ("brand", [*InfluencerFilter.base_filters, "cursor", "page_size"]),
        f"{V1}/campaigns/": ("brand", ["status", "cursor", "page_size"]),
        f"{V1}/collaborations/": ("creator", ["status", "campaign", "cursor"]),
        f"{V1}/shortlists/": ("brand", ["cursor", "page_size"]),
        f"{V1}/saved-searches/": ("brand", ["cursor", "page_size"]),
        f"{V1}/campaigns/{world.giveaway.pk}/matches/": ("brand", ["cursor", "page_size"]),
        f"{V1}/me/opportunities/": ("creator", ["cursor"]),
    }
    failures = []
    for path, (role, names) in lists.items():
        for name in names:
            for payload_name, raw in values.items():
                url = f"{path}?{name}={raw}"
                outcome = attempt(lambda url=url, role=role: api[role].get(url), is_api=True)
                problems = list(outcome.problems)
                if outcome.changed:
                    problems.append(f"a GET wrote to {outcome.changed}")
                if problems:
                    failures.append(f"{path} {name}={payload_name}: HTTP {outcome.status}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)


def test_a_page_size_of_thousands_of_digits_is_a_400(world: World, api: dict[str, APIClient]):
    # 4,000 digits reach the paginator (Python refuses int() of over 4,300 digits: it must not try);
    # 5,000 are stopped earlier by the query-string guard (config/middleware.py), also with a 400.
    response = api["brand"].get(f"{V1}/campaigns/?page_size={'9' * 4000}")
    assert response.status_code == 400
    assert "page_size" in response.json()["fields"]
    response = api["brand"].get(f"{V1}/campaigns/?page_size={'9' * 5000}")
    assert response.status_code == 400
    assert "longer than 4096 characters" in response.json()["detail"]
