# The creator's stored delivery punctuality (docs/metrics.md#delivers-on-time-in-discovery): plain columns
# on the influencer, written by campaigns/services/punctuality.py, and their copy in the discovery search
# table (influencers/search_row.py) for the filter "delivers on time at least N %" and the sort
# "Delivers on time". On PostgreSQL the search table gains two columns and a sort index, and its refresh
# function (migration 0009) is replaced by one that also reads them; the rebuild function calls it and is
# unchanged. The triggers of 0009 already refresh a creator's row whenever the influencer row changes.

import importlib

from django.db import migrations, models

# The search table of 0009: its columns and SQL fragments are reused here, its refresh function restored
# on the way back.
base = importlib.import_module("influencers.migrations.0009_search_table")

NO_PRICE = base.NO_PRICE
SHARES = base.SHARES
PRICES = base.PRICES
DELIVERY = ["delivery_on_time_percent", "delivery_key"]
COLUMNS = [*base.COLUMNS[: base.COLUMNS.index("credibility_key") + 1], *DELIVERY]
COLUMNS += base.COLUMNS[len(COLUMNS) - len(DELIVERY) :]

REFRESH = f"""
CREATE OR REPLACE FUNCTION influencers_search_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
DELETE FROM influencers_searchrow s
 WHERE s.influencer_id = ANY(ids)
   AND NOT EXISTS (SELECT 1 FROM influencers_influencer i
                    WHERE i.id = s.influencer_id AND i.status = 'approved' AND i.is_active);
INSERT INTO influencers_searchrow AS s (influencer_id, {", ".join(COLUMNS)})
SELECT r.influencer_id, {", ".join(f"r.{column}" for column in COLUMNS if column != "tags")},
       ARRAY(SELECT 'n' || unnest(r.niche_ids)
             UNION ALL SELECT 'p:' || unnest(r.platforms)
             UNION ALL SELECT 'l:' || unnest(r.languages)
             UNION ALL SELECT 'c:' || r.country WHERE r.country <> ''
             UNION ALL SELECT 't:' || r.tier WHERE r.tier <> ''
             UNION ALL SELECT 'ac:' || unnest(r.audience_country_codes)
             UNION ALL SELECT unnest(r.share_tokens)
             UNION ALL SELECT 'o:' || offer.tag FROM (VALUES {base.OFFER_TAGS}) AS offer (tag, price)
                        WHERE offer.price < {NO_PRICE}
       )::varchar(24)[]
  FROM (
SELECT i.id AS influencer_id,
       COALESCE((SELECT array_agg(n.niche_id ORDER BY n.niche_id)
                   FROM influencers_influencer_niches n WHERE n.influencer_id = i.id), '{{}}') AS niche_ids,
       COALESCE((SELECT array_agg(DISTINCT a.platform ORDER BY a.platform)
                   FROM influencers_socialaccount a WHERE a.influencer_id = i.id), '{{}}') AS platforms,
       CASE WHEN jsonb_typeof(i.languages) = 'array'
            THEN ARRAY(SELECT jsonb_array_elements_text(i.languages))::varchar(8)[] ELSE '{{}}' END AS languages,
       i.country, i.city, i.tier, i.total_followers, i.engagement_rate, i.follower_growth_30d, i.credibility_score,
       COALESCE(i.engagement_rate, -1e9) AS engagement_key, COALESCE(i.follower_growth_30d, -1e9) AS growth_key,
       COALESCE(i.credibility_score, -1) AS credibility_key,
       i.delivery_on_time_percent, COALESCE(i.delivery_on_time_percent, -1) AS delivery_key,
       {", ".join(f"au.{share}" for share in SHARES)},
       COALESCE((SELECT jsonb_object_agg(c.country, c.share)
                   FROM influencers_audiencecountry c WHERE c.audience_id = au.id), '{{}}') AS audience_countries,
       COALESCE((SELECT array_agg(c.country ORDER BY c.country)
                   FROM influencers_audiencecountry c WHERE c.audience_id = au.id), '{{}}') AS audience_country_codes,
       ARRAY(SELECT c.country || '>=' || t FROM influencers_audiencecountry c CROSS JOIN {base.DECILES} t
              WHERE c.audience_id = au.id AND c.share >= {base.TOKEN_SHARE}
             UNION ALL
             SELECT v.band || '>=' || t FROM (VALUES {base.TOKEN_BANDS}) AS v (band, share) CROSS JOIN {base.DECILES} t
              WHERE v.share >= {base.TOKEN_SHARE}) AS share_tokens,
       {", ".join(f"o.{price}" for price in PRICES)},
       i.search_document AS document,
       to_tsvector('simple'::regconfig, COALESCE(translate(i.handle, '._', '  '), '') || ' ' || COALESCE(i.display_name, ''))
         AS name_document
  FROM influencers_influencer i
  LEFT JOIN influencers_audience au ON au.influencer_id = i.id
  CROSS JOIN LATERAL (SELECT {", ".join(base._price_aggregate(price) for price in PRICES)}
                        FROM influencers_offer WHERE influencer_id = i.id AND is_active) o
 WHERE i.id = ANY(ids) AND i.status = 'approved' AND i.is_active
  ) AS r
ON CONFLICT (influencer_id) DO UPDATE SET {", ".join(f"{column} = EXCLUDED.{column}" for column in COLUMNS)}
 WHERE ({", ".join(f"s.{column}" for column in COLUMNS)})
       IS DISTINCT FROM ({", ".join(f"EXCLUDED.{column}" for column in COLUMNS)});
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (
        "ALTER TABLE influencers_searchrow ADD COLUMN delivery_on_time_percent smallint, "
        "ADD COLUMN delivery_key integer NOT NULL DEFAULT -1",
        "ALTER TABLE influencers_searchrow ALTER COLUMN delivery_key DROP DEFAULT",
        REFRESH,
        # Every creator's value is NULL right after AddField (the beat task fills them), so the rows are
        # already right; a rebuild would only matter for data written between the two.
        "SELECT influencers_search_rebuild()",
        "CREATE INDEX search_delivery ON influencers_searchrow (delivery_key, influencer_id)",
        "ANALYZE influencers_searchrow",
    ):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(base.REFRESH)
    schema_editor.execute("DROP INDEX IF EXISTS search_delivery")
    schema_editor.execute(
        "ALTER TABLE influencers_searchrow DROP COLUMN IF EXISTS delivery_on_time_percent, "
        "DROP COLUMN IF EXISTS delivery_key"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0010_feature_store"),
    ]

    operations = [
        migrations.AddField(
            model_name="influencer",
            name="delivery_computed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="delivery punctuality computed at"
            ),
        ),
        migrations.AddField(
            model_name="influencer",
            name="delivery_on_time_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="deliverables on time"),
        ),
        migrations.AddField(
            model_name="influencer",
            name="delivery_on_time_percent",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="delivers on time (%)"
            ),
        ),
        migrations.AddField(
            model_name="influencer",
            name="delivery_sample",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="deliverables counted"),
        ),
        migrations.AddConstraint(
            model_name="influencer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("delivery_on_time_percent__isnull", True), ("delivery_on_time_percent__lte", 100), _connector="OR"),
                    ("delivery_on_time_count__lte", models.F("delivery_sample")),
                ),
                name="influencer_delivery_on_time_consistent",
            ),
        ),
        # The search table is unmanaged: these only tell Django's state about the columns added below.
        migrations.AddField(
            model_name="searchrow",
            name="delivery_on_time_percent",
            field=models.SmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="delivery_key",
            field=models.IntegerField(default=-1),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
