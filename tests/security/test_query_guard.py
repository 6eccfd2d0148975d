"""config/middleware.py: a NUL or a huge value in any query string is a clear 400, never a 500 or a query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.middleware import MAX_QUERY_VALUE_LENGTH
from tests.factories import BrandMemberFactory, InfluencerFactory, StaffFactory

pytestmark = pytest.mark.django_db

NUL = "bad\x00value"
HUGE = "x" * (MAX_QUERY_VALUE_LENGTH + 1)


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status__exact": NUL}, "null character"),  # a list filter: PostgreSQL refused NUL with a 500
        ({"q": HUGE}, "longer than 4096 characters"),  # the search: SQLite refused the LIKE with a 500
        ({NUL: "1"}, "null character"),  # the name of a parameter counts too
    ],
)
def test_the_admin_answers_hostile_query_strings_with_a_400_page(staff_client, params, message):
    InfluencerFactory()
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("admin:influencers_influencer_changelist"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was changed" in response.content.decode()
    # The value never reached SQL (the page's layout still runs its own queries for the menu).
    assert not [q for q in queries.captured_queries if "bad" in q["sql"] or "x" * 100 in q["sql"]]


def test_pages_and_the_api_answer_in_their_own_form(client):
    member = BrandMemberFactory()
    client.force_login(member.user)
    page = client.get(reverse("influencers:discover"), {"q": NUL})
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
    directives = {part.strip() for part in page["Content-Security-Policy"].split(";")}
    assert "script-src 'self'" in directives  # the directives' order is not fixed
    api = client.get("/api/v1/influencers/", {"q": HUGE})
    assert api.status_code == 400
    assert api.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "A value in the address is longer than 4096 characters; shorten the search.",
        "fields": {},
    }


def test_ordinary_long_values_still_reach_the_page(client):
    # The discovery search's own limit (200 characters) answers with its form message, not with this guard.
    client.force_login(BrandMemberFactory().user)
    response = client.get(reverse("influencers:discover"), {"q": "x" * 300, "next": "/" + "a" * 2000})
    assert response.status_code == 200
    assert "Some filters were not applied" in response.content.decode()


def test_the_400_page_speaks_dutch(client):
    client.cookies["django_language"] = "nl"
    response = client.get(reverse("login"), {"next": NUL})
    assert response.status_code == 400
    assert "nul-teken" in response.content.decode()
