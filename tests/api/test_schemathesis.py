"""schemathesis 4 against a live server: generated requests (valid, invalid and stateful sequences)
for every operation, as a brand member and as a creator, with every check on and a fixed seed.

No 5xx, no undocumented status or content type, no response outside the schema, nothing accepted
that the schema forbids, nothing refused that the schema allows. One exception is tuned, per
operation, in the generated schemathesis.toml: rules the schema cannot express (a campaign's state,
cross-field terms, an id that must exist) answer 400 to some schema-valid requests, so those
operations may answer 400 to positive data. Everything else runs with schemathesis' defaults.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.signals import request_started
from rest_framework.throttling import SimpleRateThrottle

from tests.api.fuzz_data import demo_world

pytestmark = pytest.mark.django_db(transaction=True)

# Enough for well over 2,000 requests in total (the two runs send about 5,000 at this setting).
MAX_EXAMPLES = 4
MIN_REQUESTS = 2_000
SEED = 42

# Operations whose business rules the schema cannot express, and why.
BUSINESS_RULE_OPERATIONS = {
    "influencers_list": "ranges must be ordered; a minimum share needs a chosen country/age/gender",
    "campaigns_create": "kind-specific terms, budget per creator within the total, dates in order",
    "campaigns_partial_update": "the same, plus: only draft/open/paused campaigns can be edited",
    "campaigns_publish": "the campaign's current status",
    "campaigns_pause": "the campaign's current status",
    "campaigns_resume": "the campaign's current status",
    "campaigns_close": "the campaign's current status and its work in progress",
    "campaigns_cancel": "the campaign's current status and submitted content",
    "campaigns_invite": "the handle must name a visible creator; the campaign must be published",
    "campaigns_apply": "the campaign must be open and public; the offer must be the creator's",
    "collaborations_accept": "the collaboration's status (the status machine)",
    "collaborations_decline": "the collaboration's status",
    "collaborations_withdraw": "the collaboration's status",
    "collaborations_cancel": "the collaboration's status",
    "collaborations_complete": "every deliverable must be approved",
    "collaborations_submit": "the collaboration's status, the deliverable id, the ad disclosure",
    "deliverables_approve": "the deliverable must be waiting for review",
    "deliverables_request_revision": "the deliverable must be waiting for review",
    "me_accounts_create": "the link must point at the platform; handles are unique per platform",
    "me_accounts_partial_update": "the same",
    "me_audience_update": "shares of each dimension add up to 100 %",
    "brands_me_partial_update": "the website must be a reachable-looking URL (Django's URLValidator)",
    "shortlists_create": "names are unique per brand",
    "shortlists_partial_update": "names are unique per brand",
    "shortlists_entries_create": "the handle must name a visible creator",
    "saved_searches_create": "the query must pass the discovery filters with at least one filter; unique names",
    "saved_searches_partial_update": "names are unique per brand",
    "campaigns_destroy": "only drafts can be deleted",
    "metrics_import": "every row is validated by the importer (docs/import.md)",
    "ledger_mark_sent": "the payable's state (paid, or a payment waiting for an answer); the date not before the work",
    "ledger_correct": "the payable's state (paid, or a payment waiting for an answer)",
    "ledger_confirm": "only a payment waiting for an answer",
    "ledger_dispute": "only a payment waiting for an answer",
    "reviews_create": "after completion, once per side, exactly the aspects of the author's side",
    "reviews_reply": "only the reviewed side, once, after the review is published",
    "collaborations_draw_entries": "a giveaway whose entries closed; handles valid; a committed draw never changes",
    "collaborations_draw_commit": "the draw's state: entries uploaded, commitment not yet published",
    "collaborations_draw_run": "the draw's state: commitment published, not yet drawn",
    "webhooks_create": "the address must resolve to an allowed host (SSRF rules); at most 10 endpoints per owner",
    "webhooks_partial_update": "the same address rules",
    "webhooks_redeliver": "a turned-off endpoint cannot redeliver",
    "audience_overlap": "the handles must name visible creators, two of them different",
}


def schemathesis_config(path: Path) -> Path:
    operations = "|".join(sorted(BUSINESS_RULE_OPERATIONS))
    path.write_text(
        "[[operations]]\n"
        f'include-operation-id-regex = "^({operations})$"\n'
        'checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]\n'
    )
    return path


@pytest.fixture
def api_requests():
    """Counts the requests the live server answers under /api/."""
    seen: list[str] = []

    def count(sender, environ, **kwargs) -> None:
        if environ.get("PATH_INFO", "").startswith("/api/"):
            seen.append(environ["PATH_INFO"])

    request_started.connect(count, weak=False)
    yield seen
    request_started.disconnect(count)


def test_schemathesis_finds_no_failure(live_server, settings, monkeypatch, tmp_path, api_requests):
    # Throttling stays on with rates the run cannot reach; axes stays on too, and never sees a
    # password: the run authenticates with tokens only.
    unreachable = "100000/min"
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"user": unreachable, "anon": unreachable, "metrics_import": unreachable},
    )
    settings.AXES_ENABLED = True
    # The per-action limits (config/ratelimit.py) too: a run sends thousands of applications and messages,
    # and an endpoint that only ever answered 429 would go untested.
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "100000/min")
    world = demo_world()
    config = schemathesis_config(tmp_path / "schemathesis.toml")
    st = Path(sys.executable).with_name("st")
    for who in ("brand_token", "influencer_token"):
        command = [
            str(st),
            "--config-file",
            str(config),
            "run",
            f"{live_server.url}/api/schema/",
            "--header",
            f"Authorization: Token {world[who]}",
            "--checks",
            "all",
            "--seed",
            str(SEED),
            "--max-examples",
            str(MAX_EXAMPLES),
            "--no-color",
        ]
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=1200, check=False)
        assert result.returncode == 0, f"{who}:\n{result.stdout[-20000:]}\n{result.stderr[-5000:]}"
        summary = result.stdout[result.stdout.rfind("SUMMARY") :]
        print(f"schemathesis as {who}:\n{summary}")
    print(f"{len(api_requests)} API requests")
    assert len(api_requests) >= MIN_REQUESTS
