"""bench/render_cpu.py: the URLs each surface requests and the table it prints (no database)."""

from __future__ import annotations

from bench.render_cpu import SqlClock, Timings, surface_urls, table


def test_each_surface_asks_for_its_own_view_of_the_same_searches():
    queries = ["niches=food&tier=micro", ""]
    assert surface_urls("page-cards", queries) == [
        ("/influencers/?niches=food&tier=micro&view=cards", {}),
        ("/influencers/?view=cards", {}),
    ]
    assert surface_urls("page-table", queries)[0][0].endswith("&view=table")
    assert surface_urls("page-htmx", queries)[1] == ("/influencers/?view=cards", {"HTTP_HX_REQUEST": "true"})
    assert surface_urls("api", queries)[0] == (
        "/api/v1/influencers/?niches=food&tier=micro&page_size=24",
        {"HTTP_ACCEPT": "application/json"},
    )


def test_the_sql_clock_counts_statements_and_the_table_splits_cpu_into_sql_and_the_rest():
    clock = SqlClock()
    assert clock(lambda sql, params, many, context: "rows", "SELECT 1", None, False, {}) == "rows"
    assert clock.count == 1
    timings = Timings(surface="api", cpu=[10.0, 12.0, 30.0], sql_cpu=[1.0, 2.0, 3.0], wall=[20.0] * 3)
    timings.sql_wall, timings.queries = [5.0] * 3, [9, 10, 10]
    row = timings.row()
    assert (row["cpu_p50"], row["cpu_p95"], row["sql_cpu_p50"], row["rest_cpu_p50"]) == (12.0, 30.0, 2.0, 10.0)
    assert "| api | 3 | 12.0 | 30.0 | 2.0 | 10.0 | 20.0 | 5.0 | 10 |" in table([row])
