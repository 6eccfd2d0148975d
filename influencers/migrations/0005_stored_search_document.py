# Written by hand: the profile's full-text document as a stored, generated column (PostgreSQL only).
#
# Ranking a keyword search with ts_rank needs each match's document. With only an expression index
# (0003's discover_search) PostgreSQL rebuilds it with to_tsvector(handle, name, bio) for every
# matching row before it can sort: 356 ms of the keyword query at 1,000,000 creators
# (docs/benchmarks.md). Stored, the document is read instead of rebuilt, and the GIN index is on the
# column. The column is not a model field — Django would write it in INSERT/UPDATE, which a generated
# column refuses — so influencers/filters.py refers to it by name on PostgreSQL; the SQLite demo
# searches with LIKE and has no such column. DOCUMENT is influencers/filters.py:search_vector() as SQL;
# tests/influencers/test_discovery.py checks the two agree. Change both together.

from django.db import migrations

TABLE = "influencers_influencer"
COLUMN = "search_document"
INDEX = "discover_search_document"
OLD_INDEX = "discover_search"
DOCUMENT = (
    "setweight(to_tsvector('simple'::regconfig, COALESCE(translate(handle, '._', '  '), '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(display_name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(bio, '')), 'D')"
)
VISIBLE = "status = 'approved' AND is_active"


def add_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED")
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING gin ({COLUMN}) WHERE {VISIBLE}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def drop_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")  # drops its index too
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON {TABLE} USING gin (({DOCUMENT})) WHERE {VISIBLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0004_drop_redundant_account_indexes"),
    ]

    operations = [migrations.RunPython(add_document, drop_document, elidable=False)]
