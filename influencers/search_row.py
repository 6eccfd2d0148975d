"""The discovery search table: one row per creator a brand may see, with everything a filter or sort reads.

PostgreSQL only. Discovery at a million creators touched five tables per search (niches, accounts,
offers, audience, audience countries) and sorted by joined values; this row carries them as arrays,
shares and precomputed sort keys, indexed for the access paths brands use (migration
0009_search_table, docs/decisions.md "The discovery search table"; migration 0011 added the stored
delivery punctuality). Rows are written in locality order (stripes by id, then country and first niche,
migration 0016) so a filter's matches share heap pages.

It is kept in step by the database itself: statement-level triggers on every table that feeds it call
`influencers_search_refresh(ids)` in the same transaction as the write, for every path (services,
admin, API, imports, the engine's bulk updates). A row exists exactly while its creator is approved
and active, so visibility is implied by presence. Bulk writers may defer the triggers for a
transaction (`deferred_search_refresh`) and refresh the ids they touched once at the end.

The model is unmanaged: the table, its functions, triggers and indexes are created by the migration
on PostgreSQL, and SQLite (the demo) searches the source tables instead (filters.InfluencerFilter).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models, transaction

from .taxonomy import Currency, WorkKind

# The price column of a currency and kind of work ("any" = the cheapest active offer of any kind).
# A creator without such an offer has NO_PRICE there, so the column is a non-null sort key.
NO_PRICE = Decimal("1000000000")
ANY_KIND = "any"
PRICE_KINDS = [ANY_KIND, *WorkKind.values]


def price_column(currency: str, kind: str | None) -> str:
    return f"price_{currency.lower()}_{kind or ANY_KIND}"


PRICE_COLUMNS = [price_column(currency, kind) for currency in Currency.values for kind in PRICE_KINDS]


def _share() -> models.FloatField:
    return models.FloatField(null=True)


def _price() -> models.DecimalField:
    return models.DecimalField(max_digits=12, decimal_places=2)


class SearchRow(models.Model):
    influencer = models.OneToOneField(
        "influencers.Influencer",
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the delete and truncate triggers remove the row (migration 0009)
        db_constraint=False,
        related_name="search_row",
    )
    niche_ids = ArrayField(models.BigIntegerField())
    platforms = ArrayField(models.CharField(max_length=12))
    languages = ArrayField(models.CharField(max_length=8))
    country = models.CharField(max_length=2)
    city = models.CharField(max_length=80)
    tier = models.CharField(max_length=8)
    total_followers = models.BigIntegerField()
    engagement_rate = models.FloatField(null=True)
    follower_growth_30d = models.FloatField(null=True)
    credibility_score = models.SmallIntegerField(null=True)
    # Non-null sort keys, exactly the stand-ins of filters.UNKNOWN_LOW and -1 for unknown values.
    engagement_key = models.FloatField()
    growth_key = models.FloatField()
    credibility_key = models.IntegerField()
    # The stored delivers-on-time percent (NULL: not enough history) and its sort key (-1 for NULL),
    # added by migration 0011_delivery_punctuality.
    delivery_on_time_percent = models.SmallIntegerField(null=True)
    delivery_key = models.IntegerField()
    # The audience: NULL when the creator has none (then no audience filter passes).
    age_13_17 = _share()
    age_18_24 = _share()
    age_25_34 = _share()
    age_35_44 = _share()
    age_45_54 = _share()
    age_55_plus = _share()
    gender_female = _share()
    gender_male = _share()
    gender_other = _share()
    audience_countries = models.JSONField()  # {"NL": 0.46, ...}
    audience_country_codes = ArrayField(models.CharField(max_length=2))
    price_eur_any = _price()
    price_eur_sponsored_post = _price()
    price_eur_review = _price()
    price_eur_giveaway = _price()
    price_eur_ambassadorship = _price()
    price_usd_any = _price()
    price_usd_sponsored_post = _price()
    price_usd_review = _price()
    price_usd_giveaway = _price()
    price_usd_ambassadorship = _price()
    price_gbp_any = _price()
    price_gbp_sponsored_post = _price()
    price_gbp_review = _price()
    price_gbp_giveaway = _price()
    price_gbp_ambassadorship = _price()
    document = SearchVectorField()
    name_document = SearchVectorField()  # the handle and name alone (keyword candidates, discovery_search)
    # What the membership filters test, in one GIN index (migration 0009, discovery_search.Tags): "n12"
    # niche, "p:tiktok", "l:nl", "c:NL" creator country, "t:micro", "ac:NL" audience country, "NL>=40" /
    # "a18_24>=50" / "gfemale>=70" the tenths an audience share reaches, "o:EUR:review" an active offer.
    tags = ArrayField(models.CharField(max_length=24))

    class Meta:
        managed = False
        db_table = "influencers_searchrow"

    def __str__(self) -> str:
        return f"search row of influencer {self.influencer_id}"


def search_table_in_use(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


@contextmanager
def deferred_search_refresh(influencer_ids: Iterable[int] | None = None, using: str = "default") -> Iterator[None]:
    """Inside the block the triggers skip the search table; on leaving, the given ids (all when None) are refreshed.

    For bulk writers (the engine, the import, the bench loader) that touch many rows in many statements:
    one set-based refresh at the end instead of one per statement. Must run inside a transaction; the
    setting is transaction-local, so a failure leaves nothing deferred. The ids are read on leaving the
    block, so a list the block fills with the ids it wrote works (the metric engine does that). Inside an
    outer deferral (a bulk loader that rebuilds the table at its end) the block leaves the refresh to it.
    """
    if not search_table_in_use(using):
        yield
        return
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting('invloed.search_deferred', true), '') = 'on'")
        if cursor.fetchone()[0]:
            yield
            return
        cursor.execute("SELECT set_config('invloed.search_deferred', 'on', true)")
        yield
        cursor.execute("SELECT set_config('invloed.search_deferred', 'off', true)")
        refresh_search_rows(influencer_ids, using=using)


def refresh_search_rows(influencer_ids: Iterable[int] | None = None, using: str = "default") -> None:
    """Bring the rows of these creators (all when None) in step with the source tables."""
    if not search_table_in_use(using):
        return
    with connections[using].cursor() as cursor:
        if influencer_ids is None:
            cursor.execute("SELECT influencers_search_rebuild()")
        else:
            ids = list(influencer_ids)
            if ids:
                cursor.execute("SELECT influencers_search_refresh(%s::bigint[])", [ids])
