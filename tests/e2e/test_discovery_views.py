"""Discovery as brands used to Modash work it: the table with an audience column, chips that remove one filter,
a filter count that follows in-place updates, and the chosen view remembered."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.discovery_data import brand_member, creator
from tests.factories import PASSWORD


def test_table_view_audience_column_and_chip_removal(page, live_server, login) -> None:
    brand_member(user__username="buyer")
    creator("lotte.style", niches=("fashion",), audience_countries={"NL": 0.46, "BE": 0.2, "DE": 0.34})
    creator("finn.fit", niches=("fitness",), audience_countries={"NL": 0.9, "BE": 0.1})
    login("buyer", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/influencers/?niches=fashion&audience_country=NL&audience_country=BE")

    page.get_by_role("link", name="Table").click()
    table = page.locator("table.results-table")
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("NL + BE")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr").first).to_contain_text("66\u00a0%")
    expect(page.locator("#filter-count")).to_have_text("2")

    # Remove the niche chip: the niche is unticked in the panel too, the count follows, the view stays.
    page.get_by_role("link", name=re.compile(r"^Niches: Fashion")).click()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.locator("#filter-count")).to_have_text("1")
    expect(page.get_by_role("checkbox", name="Fashion")).not_to_be_checked()
    assert "niches=" not in page.url

    # Filtering in place (htmx) updates the count in the panel's heading as well.
    page.evaluate("window.__sameDocument = 'yes'")
    page.get_by_role("checkbox", name="Fitness").check()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(page.locator("#filter-count")).to_have_text("2")
    assert page.evaluate("window.__sameDocument") == "yes"

    # The table is remembered on the next visit.
    page.goto(f"{live_server.url}/influencers/")
    expect(page.locator("table.results-table")).to_be_visible()
    page.get_by_role("link", name="Cards").click()
    expect(page.locator("ol.cards")).to_be_visible()
