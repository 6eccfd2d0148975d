"""The recommendations page stays light (issue 17: ≤ 80 KB) however many matches a campaign has.

Twenty matches are rendered, then an htmx "Show more" appends the next twenty (a plain link to the next page
without JavaScript). The ground truth for the pages is the selector's full ordered list: walking the pages
must give it back exactly, without a creator twice or one left out.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from campaigns import recommendation_selectors as selectors
from campaigns.models import Campaign, Collaboration, Match
from campaigns.recommendation_views import PAGE_SIZE
from tests.discovery_data import brand_member, creator
from tests.factories import CampaignFactory, CollaborationFactory, MatchFactory

pytestmark = pytest.mark.django_db

WEIGHT_BUDGET = 80 * 1024
HANDLE = re.compile(r'<span class="muted small">@([\w.]+)</span>')


@pytest.fixture
def member():
    return brand_member()


@pytest.fixture
def brand_client(client, member):
    client.force_login(member.user)
    return client


@pytest.fixture
def campaign(member):
    return CampaignFactory(brand=member.brand, title="Summer drop")


def url(campaign: Campaign) -> str:
    return f"/brand/campaigns/{campaign.pk}/recommendations/"


def long_explanation(rank: int) -> str:
    """As long as the engine's explanations get: every component's phrase, niches, punctuality and CPE."""
    return (
        f"{70 - rank % 30} % of the audience are women 18–34 in NL/BE; ER {3 + rank % 5}.{rank % 10} % on Instagram, "
        f"2.{rank % 10}× the micro benchmark; review offer EUR {300 + rank} fits the EUR 400 budget; shares your "
        "niches Fashion, Beauty and Sustainable living; credibility 92/100, so the score counts at 91 %; estimated "
        f"reach in your target about {12_400 + rank:,} ({11_408 + rank:,} after the credibility discount); "
        f"delivered 9 of 10 on time in the last 365 days; about EUR 0.{rank % 90 + 10} per expected engagement."
    )


def add_matches(campaign: Campaign, count: int, start: int = 1) -> list[Match]:
    return [
        MatchFactory(
            campaign=campaign,
            influencer=creator(f"rec{campaign.pk}n{rank}", display_name=f"Creator number {rank}"),
            rank=rank,
            score=99 - rank * 0.5,
            explanation=long_explanation(rank),
            price=Decimal("300"),
            cost_per_engagement=0.85,
            cpm=12.5,
        )
        for rank in range(start, start + count)
    ]


def handles(html: str) -> list[str]:
    return HANDLE.findall(html)


def test_the_page_with_120_long_matches_weighs_at_most_80_kb(brand_client, campaign):
    add_matches(campaign, 120)
    response = brand_client.get(url(campaign))
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) <= WEIGHT_BUDGET, f"{len(response.content)} bytes"
    assert html.count('class="card match"') == PAGE_SIZE == 20
    # Every match still says why it was recommended, in full.
    assert long_explanation(1) in html
    assert long_explanation(20) in html
    assert "120 matches, ranked by score." in html
    # The hover texts are said once, in the legend, not on every number of every row.
    assert html.count("Followers summed over all of the creator&#x27;s accounts") == 1
    assert html.count('href="/metrics/#followers"') == PAGE_SIZE + 1
    assert html.count("<meter") == 6 * PAGE_SIZE
    rows = html.split('<ol id="matches"', 1)[1]
    assert ' title="' not in re.sub(r'<time class="freshness"[^>]*>', "", rows)


def test_show_more_walks_every_match_once_in_rank_order(brand_client, campaign):
    add_matches(campaign, 45)
    truth = [m.influencer.handle for m in selectors.campaign_matches(campaign=campaign)]
    page = brand_client.get(url(campaign)).content.decode()
    seen = handles(page)
    next_url = re.search(r'rel="next" href="([^"]+)" hx-get="([^"]+)"', page)
    assert next_url is not None
    assert next_url[1] == next_url[2] == f"{url(campaign)}?after=20"
    fetches = 0
    while next_url is not None:
        response = brand_client.get(next_url[1].replace("&amp;", "&"), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        partial = response.content.decode()
        # Only the rows and the next button: no page around them.
        assert "<html" not in partial
        assert 'id="run-progress"' not in partial
        assert 'id="more-matches" class="pager" aria-label="More matches" hx-swap-oob="true"' in partial
        seen += handles(partial)
        fetches += 1
        next_url = re.search(r'rel="next" href="([^"]+)" hx-get="([^"]+)"', partial)
    assert fetches == 2
    assert seen == truth
    assert len(set(seen)) == 45


def test_without_javascript_the_next_link_is_a_whole_page(brand_client, campaign):
    add_matches(campaign, 25)
    response = brand_client.get(url(campaign), {"after": 20})
    html = response.content.decode()
    assert "<html" in html
    assert 'id="run-progress"' in html
    assert handles(html) == [f"rec{campaign.pk}n{rank}" for rank in range(21, 26)]
    assert "Show more" not in html
    assert f'href="{url(campaign)}">First page' in html
    # An invitation sent from this page without JavaScript comes back to it.
    assert f'name="next" value="{url(campaign)}?after=20"' in html


def test_show_more_keeps_the_avoid_overlap_choice(brand_client, campaign):
    add_matches(campaign, 25)
    html = brand_client.get(url(campaign), {"avoid_overlap": "1"}).content.decode()
    assert f'href="{url(campaign)}?avoid_overlap=1&amp;after=20"' in html
    partial = brand_client.get(url(campaign), {"avoid_overlap": "1", "after": 20}, HTTP_HX_REQUEST="true")
    assert handles(partial.content.decode()) == [f"rec{campaign.pk}n{rank}" for rank in range(21, 26)]


def test_rows_fetched_by_show_more_keep_invite_and_status(brand_client, campaign):
    matches = add_matches(campaign, 22)
    CollaborationFactory(campaign=campaign, influencer=matches[21].influencer, status=Collaboration.Status.ACCEPTED)
    partial = brand_client.get(url(campaign), {"after": 20}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.count(">Invite<") == 1
    assert f'hx-post="/brand/campaigns/invite/rec{campaign.pk}n21/"' in partial
    assert ">Accepted<" in partial
    assert "Next page" not in partial
    assert "Show more" not in partial


@pytest.mark.parametrize("more", [0, 60])
def test_the_page_and_show_more_run_a_fixed_number_of_queries(brand_client, campaign, more, django_assert_num_queries):
    add_matches(campaign, 25 + more)
    # The page: 1 session, 2 user, 3 user with its creator and brand membership, 4 campaign, 5 the page of
    # matches with their creators, 6 the creators' niches, 7 the collaboration statuses, 8 the latest run,
    # 9 the total, 10 the header's roles of the user.
    with django_assert_num_queries(10):
        assert brand_client.get(url(campaign)).status_code == 200
    # "Show more": 1–7 only (no run, total or header around the rows).
    with django_assert_num_queries(7):
        assert brand_client.get(url(campaign), {"after": 20}, HTTP_HX_REQUEST="true").status_code == 200


# What the engine stores for the first match's explanation: message ids, raw numbers and taxonomy keys.
PARTS = [
    {"m": "shares your niche %(niche)s", "a": {"niche": {"l": "niche", "v": "Pets"}}},
    {
        "m": "ER %(er)s on %(platform)s, %(ratio)s the %(tier)s benchmark",
        "a": {
            "er": {"n": 0.056, "f": "pct1"},
            "platform": {"l": "platform", "v": "instagram"},
            "ratio": {"n": 1.87, "f": "times"},
            "tier": {"l": "tier", "v": "micro"},
        },
    },
]


def test_the_page_in_dutch_has_dutch_buttons_legend_and_decimal_commas(brand_client, campaign):
    first, *_rest = add_matches(campaign, 21)
    first.explanation_parts = PARTS
    first.save()
    english = brand_client.get(url(campaign)).content.decode()
    assert (
        '<p class="explanation">Shares your niche Pets; ER 5.6 % on Instagram, 1.9× the micro benchmark.</p>' in english
    )
    assert brand_client.post("/i18n/setlang/", {"language": "nl", "next": "/"}).status_code == 302
    html = brand_client.get(url(campaign)).content.decode()
    assert '<html lang="nl">' in html
    assert "<summary>Wat de getallen betekenen</summary>" in html
    assert ">Meer tonen</a>" in html
    assert "Show more" not in html
    # The stored explanation in the viewer's language; a row stored as text before keeps its text.
    assert (
        '<p class="explanation">Deelt je niche Huisdieren; ER 5,6 % op Instagram, 1,9× de benchmark voor micro.</p>'
        in html
    )
    assert long_explanation(2) in html
    # The planted numbers of every row: ER 3 %, CPE EUR 0.85, CPM EUR 12.50, 10,000 followers.
    assert html.count("<dd>3,0\u00a0%</dd>") == PAGE_SIZE
    assert html.count("<dd>EUR\u00a00,85</dd>") == PAGE_SIZE
    assert html.count("<dd>EUR\u00a012,50</dd>") == PAGE_SIZE
    assert html.count("<dd>10.000</dd>") == PAGE_SIZE
