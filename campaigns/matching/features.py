# ruff: noqa: S608 - SQL is assembled from constants and dialect pieces; values go in as parameters.
"""The feature matrix: everything the scorer needs about every matchable influencer, as numpy arrays.

Loaded with a handful of set-based queries (one per table: influencers, accounts, niches, audiences,
audience countries, audience languages, offers) and scattered into dense arrays by row index, so
scoring a campaign never touches a model instance. Workers do not call this loader for every campaign:
store.matchable_features() serves the matrix from the feature store (a compact precomputed copy in
PostgreSQL) and this process's memory, patched with the influencers.FeatureChange rows since.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from influencers.models import Niche
from influencers.sql import Dialect
from influencers.taxonomy import (
    AGE_FIELDS,
    GENDER_FIELDS,
    Country,
    Currency,
    Language,
    ModerationStatus,
    Platform,
    WorkKind,
)

logger = logging.getLogger(__name__)

PLATFORMS: list[str] = list(Platform.values)
COUNTRIES: list[str] = list(Country.values)
LANGUAGES: list[str] = list(Language.values)
KINDS: list[str] = list(WorkKind.values)
CURRENCIES: list[str] = list(Currency.values)
AGE_BANDS: list[str] = list(AGE_FIELDS)
GENDERS: list[str] = list(GENDER_FIELDS)

NO_ACCOUNT = -1
# Audience shares are stored as integers in 1/10,000 (exact to 0.01 %, 2 bytes a cell) and divided
# back when summed: float16 would round 0.9 to 0.8999.
SHARE_SCALE = 10_000


@dataclass
class Features:
    """One row per approved, active influencer (sorted by id); -1/NaN mean "none"/"unknown"."""

    ids: np.ndarray  # int64 [n]
    country: np.ndarray  # int16 [n], index into COUNTRIES, -1 = not given
    languages: np.ndarray  # bool [n, len(LANGUAGES)]: languages the influencer creates in
    credibility: np.ndarray  # float32 [n], NaN = unknown
    followers: np.ndarray  # int64 [n, len(PLATFORMS)], largest account per platform, -1 = no account
    platform_followers: np.ndarray  # int64 [n, len(PLATFORMS)], all accounts per platform summed (reach)
    engagement_rate: np.ndarray  # float32 [n, len(PLATFORMS)], ER of that account, NaN = unknown
    niches: np.ndarray  # bool [n, len(niche_ids)]
    niche_ids: list[int]
    niche_names: dict[int, str]
    has_audience: np.ndarray  # bool [n]
    # Shares × SHARE_SCALE (uint16): age [n, 6], gender [n, 3], countries and languages of the audience.
    age: np.ndarray
    gender: np.ndarray
    audience_countries: np.ndarray
    audience_languages: np.ndarray
    offer_price: np.ndarray  # float64 [n, len(KINDS), len(CURRENCIES)]: cheapest active offer, NaN = none
    niche_slugs: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, influencer_ids: Iterable[int]) -> np.ndarray:
        """Row indexes of the given ids (ids that are not in the matrix are skipped)."""
        wanted = np.asarray(sorted(set(influencer_ids)), dtype=np.int64)
        positions = np.searchsorted(self.ids, wanted)
        positions = np.clip(positions, 0, max(len(self.ids) - 1, 0))
        return positions[(len(self.ids) > 0) & (self.ids[positions] == wanted)] if len(self.ids) else positions[:0]


def _index_of(values: list[str]) -> dict[str, int]:
    return {value: index for index, value in enumerate(values)}


def _scatter_rows(ids: np.ndarray, influencer_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Row index for each influencer id of a child query, and a mask of those found in the matrix."""
    keys = np.asarray(influencer_ids, dtype=np.int64)
    if not len(ids) or not len(keys):
        return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
    rows = np.clip(np.searchsorted(ids, keys), 0, len(ids) - 1)
    return rows, ids[rows] == keys


@dataclass(frozen=True)
class _Query:
    """The WHERE clause (alias i = influencers_influencer) and parameters shared by every loader."""

    where: str
    params: dict
    dialect: Dialect


def _matchable_query(influencer_ids: Iterable[int] | None) -> _Query:
    dialect = Dialect(connection)
    where = "i.status = %(approved)s AND i.is_active"
    params: dict = {"approved": ModerationStatus.APPROVED.value}
    if influencer_ids is not None:
        where += " AND " + dialect.in_ids("i.id", "ids")
        params["ids"] = dialect.ids_param(influencer_ids)
    return _Query(where, params, dialect)


def load_features(influencer_ids: Iterable[int] | None = None) -> Features:
    """Read the matrix from the database: every matchable influencer, or only the given ones."""
    query = _matchable_query(influencer_ids)
    with connection.cursor() as cursor:
        ids, country, credibility = load_influencers(cursor, query)
        followers, platform_followers, engagement_rate = load_accounts(cursor, query, ids)
        niche_ids, niche_names, niche_slugs, niches = load_niches(cursor, query, ids)
        has_audience, age, gender = load_audiences(cursor, query, ids)
        return Features(
            ids=ids,
            country=country,
            languages=load_languages(cursor, query, ids),
            credibility=credibility,
            followers=followers,
            platform_followers=platform_followers,
            engagement_rate=engagement_rate,
            niches=niches,
            niche_ids=niche_ids,
            niche_names=niche_names,
            has_audience=has_audience,
            age=age,
            gender=gender,
            audience_countries=load_audience_countries(cursor, query, ids),
            audience_languages=load_audience_languages(cursor, query, ids),
            offer_price=load_offers(cursor, query, ids),
            niche_slugs=niche_slugs,
        )


def load_influencers(cursor, query: _Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids (sorted), home country index and credibility of every matchable influencer."""
    cursor.execute(
        f"SELECT i.id, i.country, i.credibility_score FROM influencers_influencer i WHERE {query.where} ORDER BY i.id",
        query.params,
    )
    base = cursor.fetchall()
    n = len(base)
    ids = np.fromiter((row[0] for row in base), dtype=np.int64, count=n)
    country_index = _index_of(COUNTRIES)
    country = np.fromiter((country_index.get(row[1] or "", -1) for row in base), dtype=np.int16, count=n)
    credibility = np.array([np.nan if row[2] is None else row[2] for row in base], dtype=np.float32)
    return ids, country, credibility


def load_languages(cursor, query: _Query, ids: np.ndarray) -> np.ndarray:
    """The languages each influencer creates in."""
    # PostgreSQL names the column of a set-returning function in the alias; SQLite's json_each has "value".
    language_each = (
        "jsonb_array_elements_text(i.languages) AS l(value)"
        if query.dialect.postgres
        else "json_each(i.languages) AS l"
    )
    language_index = _index_of(LANGUAGES)
    languages = np.zeros((len(ids), len(LANGUAGES)), dtype=bool)
    cursor.execute(
        f"SELECT i.id, l.value FROM influencers_influencer i, {language_each} WHERE {query.where}", query.params
    )
    pairs = [(i, language_index[code]) for i, code in cursor.fetchall() if code in language_index]
    if pairs:
        rows, found = _scatter_rows(ids, [p[0] for p in pairs])
        cols = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
        languages[rows[found], cols[found]] = True
    return languages


def load_accounts(cursor, query: _Query, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per platform: the largest account's followers and ER, and the followers of all accounts summed."""
    n = len(ids)
    platform_index = _index_of(PLATFORMS)
    followers = np.full((n, len(PLATFORMS)), NO_ACCOUNT, dtype=np.int64)
    platform_followers = np.zeros((n, len(PLATFORMS)), dtype=np.int64)
    engagement_rate = np.full((n, len(PLATFORMS)), np.nan, dtype=np.float32)
    # Ascending followers, so the largest account of a platform is written last and wins.
    cursor.execute(
        f"""
        SELECT a.influencer_id, a.platform, a.followers, a.engagement_rate
        FROM influencers_socialaccount a JOIN influencers_influencer i ON i.id = a.influencer_id
        WHERE {query.where} ORDER BY a.followers, a.id
        """,
        query.params,
    )
    accounts = [row for row in cursor.fetchall() if row[1] in platform_index]
    if accounts:
        rows, found = _scatter_rows(ids, [row[0] for row in accounts])
        cols = np.fromiter((platform_index[row[1]] for row in accounts), dtype=np.int64, count=len(accounts))
        values = np.fromiter((row[2] for row in accounts), dtype=np.int64, count=len(accounts))
        rates = np.array([np.nan if row[3] is None else row[3] for row in accounts], dtype=np.float32)
        followers[rows[found], cols[found]] = values[found]
        engagement_rate[rows[found], cols[found]] = rates[found]
        np.add.at(platform_followers, (rows[found], cols[found]), np.maximum(values[found], 0))
    return followers, platform_followers, engagement_rate


def load_niches(cursor, query: _Query, ids: np.ndarray) -> tuple[list[int], dict[int, str], dict[int, str], np.ndarray]:
    """The niche vocabulary (ids, names, slugs) and which niches each influencer has."""
    niche_rows = list(Niche.objects.order_by("id").values_list("id", "name", "slug"))
    niche_ids = [row[0] for row in niche_rows]
    niche_index = {niche_id: index for index, niche_id in enumerate(niche_ids)}
    niches = np.zeros((len(ids), len(niche_ids)), dtype=bool)
    cursor.execute(
        f"""
        SELECT m.influencer_id, m.niche_id FROM influencers_influencer_niches m
        JOIN influencers_influencer i ON i.id = m.influencer_id WHERE {query.where}
        """,
        query.params,
    )
    pairs = [(i, niche_index[niche]) for i, niche in cursor.fetchall() if niche in niche_index]
    if pairs:
        rows, found = _scatter_rows(ids, [p[0] for p in pairs])
        cols = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
        niches[rows[found], cols[found]] = True
    return niche_ids, {row[0]: row[1] for row in niche_rows}, {row[0]: row[2] for row in niche_rows}, niches


def load_audiences(cursor, query: _Query, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whether each influencer has audience data, and its shares by age band and gender."""
    n = len(ids)
    age_columns = ", ".join(f"au.{field}" for field in AGE_FIELDS.values())
    gender_columns = ", ".join(f"au.{field}" for field in GENDER_FIELDS.values())
    has_audience = np.zeros(n, dtype=bool)
    age = np.zeros((n, len(AGE_BANDS)), dtype=np.uint16)
    gender = np.zeros((n, len(GENDERS)), dtype=np.uint16)
    cursor.execute(
        f"""
        SELECT au.influencer_id, {age_columns}, {gender_columns} FROM influencers_audience au
        JOIN influencers_influencer i ON i.id = au.influencer_id WHERE {query.where}
        """,
        query.params,
    )
    audiences = cursor.fetchall()
    if audiences:
        rows, found = _scatter_rows(ids, [row[0] for row in audiences])
        shares = _scaled(np.array([row[1:] for row in audiences], dtype=np.float64))
        has_audience[rows[found]] = True
        age[rows[found]] = shares[found, : len(AGE_BANDS)]
        gender[rows[found]] = shares[found, len(AGE_BANDS) :]
    return has_audience, age, gender


def load_audience_countries(cursor, query: _Query, ids: np.ndarray) -> np.ndarray:
    country_index = _index_of(COUNTRIES)
    audience_countries = np.zeros((len(ids), len(COUNTRIES)), dtype=np.uint16)
    cursor.execute(
        f"""
        SELECT au.influencer_id, c.country, c.share FROM influencers_audiencecountry c
        JOIN influencers_audience au ON au.id = c.audience_id
        JOIN influencers_influencer i ON i.id = au.influencer_id WHERE {query.where}
        """,
        query.params,
    )
    triples = [(i, country_index[code], share) for i, code, share in cursor.fetchall() if code in country_index]
    _scatter_shares(audience_countries, ids, triples)
    return audience_countries


def load_audience_languages(cursor, query: _Query, ids: np.ndarray) -> np.ndarray:
    language_index = _index_of(LANGUAGES)
    audience_languages = np.zeros((len(ids), len(LANGUAGES)), dtype=np.uint16)
    shares_each = "jsonb_each_text(au.language_shares)" if query.dialect.postgres else "json_each(au.language_shares)"
    cursor.execute(
        f"""
        SELECT au.influencer_id, l.key, l.value FROM influencers_audience au
        JOIN influencers_influencer i ON i.id = au.influencer_id, {shares_each} AS l WHERE {query.where}
        """,
        query.params,
    )
    triples = [
        (i, language_index[code], float(share)) for i, code, share in cursor.fetchall() if code in language_index
    ]
    _scatter_shares(audience_languages, ids, triples)
    return audience_languages


def load_offers(cursor, query: _Query, ids: np.ndarray) -> np.ndarray:
    """The cheapest active offer per kind and currency (NaN = none)."""
    kind_index, currency_index = _index_of(KINDS), _index_of(CURRENCIES)
    offer_price = np.full((len(ids), len(KINDS), len(CURRENCIES)), np.nan, dtype=np.float64)
    cursor.execute(
        f"""
        SELECT o.influencer_id, o.kind, o.currency, MIN(o.price) FROM influencers_offer o
        JOIN influencers_influencer i ON i.id = o.influencer_id
        WHERE {query.where} AND o.is_active GROUP BY o.influencer_id, o.kind, o.currency
        """,
        query.params,
    )
    offers = [
        (i, kind_index[kind], currency_index[currency], float(price))
        for i, kind, currency, price in cursor.fetchall()
        if kind in kind_index and currency in currency_index
    ]
    if offers:
        rows, found = _scatter_rows(ids, [o[0] for o in offers])
        kinds = np.fromiter((o[1] for o in offers), dtype=np.int64, count=len(offers))
        currencies = np.fromiter((o[2] for o in offers), dtype=np.int64, count=len(offers))
        prices = np.fromiter((o[3] for o in offers), dtype=np.float64, count=len(offers))
        offer_price[rows[found], kinds[found], currencies[found]] = prices[found]
    return offer_price


def _scatter_shares(target: np.ndarray, ids: np.ndarray, triples: list[tuple[int, int, float]]) -> None:
    if not triples:
        return
    rows, found = _scatter_rows(ids, [t[0] for t in triples])
    cols = np.fromiter((t[1] for t in triples), dtype=np.int64, count=len(triples))
    values = _scaled(np.fromiter((t[2] for t in triples), dtype=np.float64, count=len(triples)))
    target[rows[found], cols[found]] = values[found]


def _scaled(shares: np.ndarray) -> np.ndarray:
    return np.rint(np.clip(shares, 0.0, 1.0) * SHARE_SCALE).astype(np.uint16)


def share_sum(matrix: np.ndarray, rows: np.ndarray | slice, columns: list[int]) -> np.ndarray:
    """Sum of the given share columns for the given rows, as fractions."""
    # take() copies whole rows (a few times faster than fancy indexing rows and columns at once), and
    # integer sums are exact, so this equals summing the shares as floats.
    picked = matrix[rows] if isinstance(rows, slice) else matrix.take(rows, axis=0)
    return picked[:, columns].sum(axis=1, dtype=np.int64) / SHARE_SCALE
