# The search table's trigger on influencers (migration 0009) refreshed a creator's row after every update of
# the influencer, whatever changed. Most updates change nothing the row reads: the engine stamps
# metrics_updated_at, an import flags metrics_stale_since, a profile save rewrites the same
# values. The refresh then recomputed the row from five tables to find it unchanged (~0.1-0.2 ms a creator,
# seconds for an import's or a recompute's thousands). The trigger now refreshes only the creators whose
# searched columns changed (PostgreSQL only; docs/decisions.md "The discovery search table").

import importlib

from django.db import migrations

base = importlib.import_module("influencers.migrations.0009_search_table")

# Every influencer column the refresh function reads (`i.<column>` in migration 0011's REFRESH, the one in
# force). tests/influencers/test_search_table.py fails when the function reads a column missing here.
SEARCHED_COLUMNS = [
    "status",
    "is_active",
    "handle",
    "display_name",
    "search_document",
    "languages",
    "country",
    "city",
    "tier",
    "total_followers",
    "engagement_rate",
    "follower_growth_30d",
    "credibility_score",
    "delivery_on_time_percent",
]

CHANGED_CREATORS = (
    "n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
    f"WHERE ({', '.join(f'n.{column}' for column in SEARCHED_COLUMNS)}) "
    f"IS DISTINCT FROM ({', '.join(f'o.{column}' for column in SEARCHED_COLUMNS)})"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        base._trigger_function("influencers_search_on_influencer", "id FROM {rows}", CHANGED_CREATORS)
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(base._trigger_function("influencers_search_on_influencer", "id FROM {rows}"))


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0014_socialaccount_metrics_source"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
