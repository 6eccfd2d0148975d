"""Audience overlap and unique reach: hashed follower samples on import, estimates within their stated bounds.

The planted populations (campaigns/demo/follower_samples.py) know the true shared followers of every
pair and the true unique reach of every set by construction; their samples go through the real import.
"""

from __future__ import annotations

import io
import json
import logging
import re

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influencers import overlap
from influencers.importers import ImportFailed, metrics_import
from influencers.models import EngineRun, FollowerSketch
from influencers.overlap_selectors import audience_overlap
from tests.discovery_data import brand_member, creator
from tests.overlap_data import import_samples, planted

pytestmark = pytest.mark.django_db

COMPARE_URL = "/brand/campaigns/compare/"
API_URL = "/api/v1/audience-overlap/"


def rejected(records: list[dict]) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        import_samples(records)
    return [str(error) for error in failed.value.errors]


# --- import ------------------------------------------------------------------------------------


def rule_ids(count: int, level: int, platform: str = "instagram", prefix: str = "raw-follower-") -> list[str]:
    """`count` made-up ids that the sampling rule keeps at `level`."""
    found, n = [], 0
    while len(found) < count:
        candidate = f"{prefix}{n}"
        if overlap.in_sample(platform, candidate, level):
            found.append(candidate)
        n += 1
    return found


def test_import_hashes_the_ids_and_stores_none_of_them(caplog):
    creator("anna", followers=5_000)
    ids = rule_ids(300, 1, prefix="SECRET-ID-")
    caplog.set_level(logging.DEBUG)
    result = import_samples(
        [{"platform": "instagram", "account": "anna_instagram", "sample_rate": "1/2", "follower_ids": ids}]
    )
    assert (result.rows, result.written) == ({"follower_samples": 1}, {"follower_samples": 1})
    sketch = FollowerSketch.objects.get(account__handle="anna_instagram")
    assert (sketch.level, sketch.sample_size, sketch.followers) == (1, 300, 5_000)
    stored = bytes(sketch.sketch)
    assert len(stored) < 20 * overlap.K * 4  # levels 1–16 of K 32-bit values and a few sizes
    run = EngineRun.objects.get(kind=EngineRun.Kind.IMPORT)
    for follower_id in ids[:50]:
        assert follower_id.encode() not in stored
        assert follower_id not in json.dumps(run.detail)
    assert "SECRET-ID" not in caplog.text
    if connection.vendor == "postgresql":
        # Nowhere in the database: every text, json and bytea column of every table.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea')"
            )
            columns = cursor.fetchall()
            for table, column in columns:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE position(%s IN convert_to("{column}"::text, \'UTF8\')) > 0',  # noqa: S608
                    [b"SECRET-ID"],
                )
                assert cursor.fetchone()[0] == 0, (table, column)


def test_reimport_replaces_the_sketch():
    creator("anna", followers=5_000)
    import_samples([{"platform": "instagram", "account": "anna_instagram", "follower_ids": rule_ids(100, 0)}])
    import_samples(
        [{"platform": "instagram", "account": "anna_instagram", "follower_ids": rule_ids(40, 0, prefix="x")}]
    )
    assert list(FollowerSketch.objects.values_list("sample_size", "level")) == [(40, 0)]


def test_ids_that_break_the_sampling_rule_are_refused_without_quoting_them():
    creator("anna", followers=50_000)
    kept = rule_ids(20, 3)
    not_kept = next(f"LEAK-{n}" for n in range(1000) if not overlap.in_sample("instagram", f"LEAK-{n}", 3))
    errors = rejected(
        [
            {
                "platform": "instagram",
                "account": "anna_instagram",
                "sample_rate": 0.125,
                "follower_ids": [*kept, not_kept],
            }
        ]
    )
    assert errors == [
        "Follower_samples item 1: follower_ids: 1 of 21 ids (the first is number 21) are not in a sample at rate "
        "1/8 by the sampling rule in docs/import.md; send the full list at rate 1, or sample by the rule"
    ]
    assert "LEAK" not in " ".join(errors)
    assert not FollowerSketch.objects.exists()


RATE_RULE = "must be 1 (the full list) or 1/2, 1/4, 1/8 … down to 1/65536"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"sample_rate": 0.3}, "sample_rate must be 1 (the full list) or 1/2, 1/4, 1/8 … down to 1/65536 (got “0.3”)"),
        (
            {"sample_rate": "1/3"},
            "sample_rate must be 1 (the full list) or 1/2, 1/4, 1/8 … down to 1/65536 (got “1/3”)",
        ),
        ({"follower_ids": []}, "follower_ids must hold at least one follower id"),
        ({"follower_ids": 12345}, "follower_ids must be a list of follower ids"),
        ({"follower_ids": {"a": 1}}, "follower_ids must be a list of follower ids"),
        ({"follower_ids": ["ok", "two words"]}, "follower_ids id number 2 is not a follower id"),
        ({"account": "nobody_ig"}, "there is no instagram account @nobody_ig on Invloed"),
    ],
)
def test_bad_samples_get_a_clear_message_and_write_nothing(record, message):
    creator("anna", followers=5_000)
    base = {"platform": "instagram", "account": "anna_instagram", "sample_rate": 1, "follower_ids": rule_ids(5, 0)}
    errors = rejected([base | record])
    assert len(errors) == 1
    assert message in errors[0]
    assert not FollowerSketch.objects.exists()


def test_a_sample_larger_than_the_audience_is_refused():
    creator("anna", followers=10)
    errors = rejected([{"platform": "instagram", "account": "anna_instagram", "follower_ids": rule_ids(11, 0)}])
    assert errors == [
        "Follower_samples item 1: the sample holds 11 distinct ids but the account has 10 followers; import its "
        "follower count (a snapshot) first"
    ]


def test_the_same_account_twice_in_one_file_is_refused():
    creator("anna", followers=5_000)
    record = {"platform": "instagram", "account": "anna_instagram", "follower_ids": rule_ids(5, 0)}
    errors = rejected([record, record])
    assert errors == ["Follower_samples item 2: describes the same record as follower_samples item 1; keep one of them"]


def test_csv_and_json_lines_carry_samples_too():
    creator("anna", followers=5_000)
    ids = rule_ids(30, 0)
    csv_text = "platform,account,sample_rate,follower_ids\ninstagram,anna_instagram,1," + ";".join(ids) + "\n"
    metrics_import(source=io.BytesIO(csv_text.encode()), fmt="csv", filename="s.csv")
    assert FollowerSketch.objects.get().sample_size == 30
    line = json.dumps(
        {"kind": "follower_sample", "platform": "instagram", "account": "anna_instagram", "follower_ids": ids[:7]}
    )
    metrics_import(source=io.BytesIO(line.encode()), fmt="jsonl", filename="s.jsonl")
    assert FollowerSketch.objects.get().sample_size == 7


# --- estimates against planted truth -------------------------------------------------------------

FOLLOWERS = [12_000, 30_000, 8_000, 45_000, 20_000, 16_000, 60_000, 9_000, 25_000, 14_000, 40_000, 18_000]


@pytest.mark.postgres
def test_estimates_land_within_their_stated_bounds_on_planted_data():
    world, creators = planted(FOLLOWERS, group_size=6)
    report = audience_overlap(influencers=creators)
    assert report.platform == "instagram"
    assert report.no_sample == []
    position = {c.pk: i for i, c in enumerate(creators)}
    assert len(report.pairs) == 66
    bounds = []
    for pair in report.pairs:
        i, j = position[pair.a.influencer_id], position[pair.b.influencer_id]
        truth = world.shared(i, j)
        assert abs(pair.shared.value - truth) <= pair.shared.bound, (i, j, pair.shared, truth)
        true_share = truth / min(FOLLOWERS[i], FOLLOWERS[j])
        assert abs(pair.share.value - true_share) <= pair.share.bound, (i, j, pair.share, true_share)
        bounds.append(pair.share.bound)
    # The bound is informative, not a blanket: a few points for most pairs.
    assert sorted(bounds)[len(bounds) // 2] < 0.08
    # The planted 38 % pair is found as the largest overlap.
    top = report.top_pair
    assert {position[top.a.influencer_id], position[top.b.influencer_id]} == {0, 1}
    assert top.share.value == pytest.approx(0.38, abs=top.share.bound)
    truth = world.union(range(len(FOLLOWERS)))
    assert abs(report.reach.value - truth) <= report.reach.bound
    assert report.reach.bound < 0.1 * truth
    assert report.followers_total == sum(FOLLOWERS) > truth
    for group in (range(6), range(6, 12), (0, 3, 7, 11)):
        subset = audience_overlap(influencers=[creators[i] for i in group], pairs=False)
        truth = world.union(list(group))
        assert abs(subset.reach.value - truth) <= subset.reach.bound, (group, subset.reach, truth)


def test_a_creator_without_a_sample_is_no_sample_never_a_guess():
    _world, creators = planted([10_000, 20_000], prefix="s")
    plain = creator("plain", followers=15_000)
    report = audience_overlap(influencers=[*creators, plain])
    assert report.no_sample == ["plain"]
    assert [sample.handle for sample in report.sampled] == ["s0", "s1"]
    assert len(report.pairs) == 1
    assert report.followers_total == 30_000  # plain's followers are not counted in, nor guessed


def test_one_query_for_every_sketch():
    _world, creators = planted([10_000, 20_000, 15_000, 5_000], prefix="q")
    with CaptureQueriesContext(connection) as queries:
        audience_overlap(influencers=creators)
    assert len(queries) == 1


# --- pages and API -------------------------------------------------------------------------------


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def test_compare_page_shows_overlap_unique_reach_sample_and_no_sample(client):
    world, creators = planted([12_000, 30_000], prefix="c")
    creator("plain", followers=15_000)
    member = brand_member()
    client.force_login(member.user)
    response = client.get(COMPARE_URL, {"h": ["c0", "c1", "plain"]})
    html = response.content.decode()
    text = page_text(html)
    assert response.status_code == 200
    report = audience_overlap(influencers=creators)
    reach = f"{round(report.reach.value):,}"
    assert f"These 2 creators reach ~{reach} unique followers" in text
    assert "of 42,000 followers added up" in text
    pair = report.pairs[0]
    assert f"@c1 and @c0 share {pair.share.value * 100:.0f} %" in text
    assert 'href="/metrics/#unique-reach"' in html
    assert 'href="/metrics/#shared-audience"' in html
    assert f"{world.levels[1] and 2 ** world.levels[1]}" in text
    assert "@plain: no sample" in text
    assert "imported" in text


def test_compare_page_queries_do_not_grow_with_samples(client):
    planted([12_000, 30_000, 9_000, 20_000], prefix="n")
    member = brand_member()
    client.force_login(member.user)

    def count(handles: list[str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(COMPARE_URL, {"h": handles}).status_code == 200
        return len(queries)

    assert count(["n0", "n1"]) == count(["n0", "n1", "n2", "n3"])


def test_shortlist_page_sums_up_reach_and_largest_overlap(client):
    from tests.factories import ShortlistEntryFactory, ShortlistFactory

    _world, creators = planted([12_000, 30_000, 9_000], prefix="l")
    member = brand_member()
    shortlist = ShortlistFactory(brand=member.brand)
    for influencer in creators:
        ShortlistEntryFactory(shortlist=shortlist, influencer=influencer)
    client.force_login(member.user)
    text = page_text(client.get(f"/brand/shortlists/{shortlist.pk}/").content.decode())
    report = audience_overlap(influencers=creators)
    assert f"These 3 creators reach ~{round(report.reach.value):,} unique followers" in text
    top = report.top_pair
    assert f"@{top.larger.handle} and @{top.smaller.handle} share {top.share.value * 100:.0f} %" in text


def test_api_gives_pairs_reach_and_no_sample(client):
    _world, creators = planted([12_000, 30_000], prefix="a")
    creator("plain", followers=15_000)
    client.force_login(brand_member().user)
    response = client.get(API_URL, {"handle": ["a0", "@a1", "plain"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["platform"] == "instagram"
    assert body["definition"].endswith("/metrics/#audience-overlap")
    assert [(c["handle"], c["sampled"]) for c in body["creators"]] == [("a0", True), ("a1", True), ("plain", False)]
    assert body["creators"][2]["sample_size"] is None
    report = audience_overlap(influencers=creators)
    assert body["pairs"][0]["shared_share"] == pytest.approx(report.pairs[0].share.value)
    assert body["unique_reach"]["value"] == pytest.approx(report.reach.value)
    assert body["unique_reach"]["followers_total"] == 42_000


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"handle": ["a0"]}, "Ensure this field has at least 2 elements."),
        ({"handle": ["a0", "ghost"]}, "Not found: @ghost."),
        ({"handle": ["a0", "a0"]}, "Give at least two different creators."),
        ({"handle": ["a0", "a1"], "platform": "myspace"}, '"myspace" is not a valid choice.'),
        ({"handle": [f"h{i}" for i in range(11)]}, "Ensure this field has no more than 10 elements."),
    ],
)
def test_api_bad_queries_are_400_with_a_message(client, params, message):
    creator("a0")
    creator("a1")
    client.force_login(brand_member().user)
    response = client.get(API_URL, params)
    assert response.status_code == 400
    assert message in str(response.json())


def _sketch_at_rate_one_eighth(size: int, values: np.ndarray, level: int) -> overlap.Sketch:
    levels = overlap.MAX_LEVEL - level + 1
    sizes = np.zeros(levels, dtype=np.uint32)
    table = np.full((levels, overlap.K), overlap.EMPTY, dtype=np.uint32)
    sizes[3 - level], table[3 - level] = size, values
    return overlap.Sketch(level=level, sizes=sizes, values=table)


def test_worked_example_from_the_metrics_document():
    anna_values = np.arange(overlap.K, dtype=np.uint32) + 1000
    bea_values = anna_values.copy()
    bea_values[128:] += 100_000  # 128 of 512 slots equal
    anna = overlap.Member(40_000, _sketch_at_rate_one_eighth(5_000, anna_values, level=3))
    bea = overlap.Member(20_000, _sketch_at_rate_one_eighth(2_500, bea_values, level=0))
    shared, share = overlap.shared_audience(anna, bea)
    assert shared.value == pytest.approx(12_000)
    assert share.value == pytest.approx(0.60)
    assert shared.bound == pytest.approx(2_439, abs=1)
    assert share.bound == pytest.approx(0.122, abs=0.001)
    reach = overlap.unique_reach([anna, bea])
    assert reach.value == pytest.approx(48_000)
    assert reach.bound == pytest.approx(2_810, abs=1)


def test_the_import_api_takes_follower_samples():
    from rest_framework.test import APIClient

    from tests.factories import StaffFactory

    creator("anna", followers=5_000)
    client = APIClient()
    client.force_authenticate(StaffFactory())
    document = {
        "follower_samples": [{"platform": "instagram", "account": "anna_instagram", "follower_ids": rule_ids(9, 0)}]
    }
    response = client.post("/api/v1/metrics/imports/", document, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["written"] == {"follower_samples": 1}
    assert FollowerSketch.objects.get().sample_size == 9
