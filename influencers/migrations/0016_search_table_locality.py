# The discovery search table's rows in an order that keeps a filter's matches together (docs/decisions.md,
# "Search rows stored by locality"). A capped count or a page whose filter matches tens of thousands of
# creators reads them through a bitmap of the tags index: its cost is the number of heap pages the matches
# sit on, and with rows in creator-id order a country's or a language's creators sit one or two to a page
# across the whole table. The refresh now writes new rows in locality order — in 256 stripes by creator id,
# by creator country and first niche within a stripe — so a rebuilt table holds them together. The stripes
# keep every value spread evenly over the table at the scale of a stripe, so a sequential scan that stops
# after the first 1,001 matches (the planner's plan for a common value, which assumes an even spread) still
# meets them early. A lower fill factor leaves room on each page for a refreshed row's new version, so the
# engine's updates keep a row on its page instead of moving it to the end of the table.

import importlib

from django.db import migrations

previous = importlib.import_module("influencers.migrations.0011_delivery_punctuality")

STRIPES = 256
LOCALITY = f"mod(r.influencer_id, {STRIPES}), r.country, r.niche_ids[1], r.influencer_id"
FILLFACTOR = 75
_END_OF_ROWS = "\n  ) AS r\nON CONFLICT"
assert previous.REFRESH.count(_END_OF_ROWS) == 1, "migration 0011's refresh function changed shape"
REFRESH = previous.REFRESH.replace(_END_OF_ROWS, f"\n  ) AS r\n ORDER BY {LOCALITY}\nON CONFLICT")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REFRESH)
    # Applies to pages written from now on; a rebuilt table (the bench loader, a restore) gets it everywhere.
    schema_editor.execute(f"ALTER TABLE influencers_searchrow SET (fillfactor = {FILLFACTOR})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(previous.REFRESH)
    schema_editor.execute("ALTER TABLE influencers_searchrow SET (fillfactor = 90)")


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0015_search_refresh_on_searched_columns"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
