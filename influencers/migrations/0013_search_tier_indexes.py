# A (tier, sort key, id) index per metric sort of the discovery search table (PostgreSQL only): a search
# filtered on a tier walks its tier's range of the sort order (influencers/selectors.py
# _broad_page_by_tier) instead of the whole index, whose top holds the other tiers (docs/decisions.md
# "Tier-ordered walks"). Nothing else changes.

from django.db import migrations

KEYS = {
    "followers": "total_followers",
    "engagement": "engagement_key",
    "growth": "growth_key",
    "credibility": "credibility_key",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in KEYS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS search_tier_{name} ON influencers_searchrow (tier, {column}, influencer_id)"
        )
    schema_editor.execute("ANALYZE influencers_searchrow")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in KEYS:
        schema_editor.execute(f"DROP INDEX IF EXISTS search_tier_{name}")


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0012_follower_sketch"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
