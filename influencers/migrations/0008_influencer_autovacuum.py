# Written by hand: autovacuum keeps up with the engine's writes on the creator table (PostgreSQL only).
#
# Discovery filters on the entries of its indexes (index-only scans, migration 0006). Those skip the
# table only for pages the visibility map marks all-visible, and every engine write clears that mark
# for its page until VACUUM sets it again. With PostgreSQL's default threshold (20 % of the rows dead)
# autovacuum waited for 200,000 rewritten profiles at 1,000,000: after a few incremental recomputes the
# narrow search's count fetched 88,000 rows from the table (376 ms instead of 40 ms, docs/benchmarks.md).
# At 1 % it vacuums after ~10,000, which costs little: VACUUM skips the pages that are still all-visible.

from django.db import migrations

TABLE = "influencers_influencer"
SETTINGS = "autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02"
RESET = "autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor"


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET ({SETTINGS})")


def reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET ({RESET})")


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0007_incremental_work_indexes"),
    ]

    operations = [migrations.RunPython(tune, reset, elidable=False)]
