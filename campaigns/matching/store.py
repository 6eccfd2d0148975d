"""The feature store: the matching matrix precomputed in PostgreSQL, so a worker loads it in about a second.

Building it costs a live load (campaigns.matching.features.load_features: ~40 s at 1M creators); reading
it is one binary query of 14 compact columns (bytea: narrowest exact dtypes, bit masks for sparse
matrices) and about a second of decoding at 1M. Freshness comes from
influencers.FeatureChange, a log every write to a matching input appends to after it commits:

- a store built through change N is exact for every change <= N;
- a reader that finds later changes loads just those influencers live and patches them in
  (at most settings.MATCH_FEATURE_PATCH_LIMIT of them), or, past that, uses the live loader; it never
  serves the store as if it were current.

Being in the database, the store works the same for any number of workers on any number of hosts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from influencers.kernel.queueing import enqueue
from influencers.models import FeatureChange, Niche

from ..models import FeatureStore, FeatureStoreColumn
from .features import (
    AGE_BANDS,
    COUNTRIES,
    CURRENCIES,
    GENDERS,
    KINDS,
    LANGUAGES,
    PLATFORMS,
    SHARE_SCALE,
    Features,
    load_features,
)

logger = logging.getLogger(__name__)

# Bump when the encoding below changes: older stores are then ignored (and rebuilt).
STORE_FORMAT = 1
BUILD_LOCK_KEY = 0x1F5E_A7_05  # any constant unique among the project's advisory locks
STORE_BUILD_TASK = "campaigns.tasks.feature_store_build_task"
CHANGE_LOG_KEEP = dt.timedelta(days=1)
# A matrix is stored sparse (bit mask + the other cells) when more than this share of it is empty.
# Nothing is compressed beyond that: zlib halved the bytes but its decompression cost more time
# (0.6-1.0 s at 1M) than sending the other half over a binary connection (docs/decisions.md).
SPARSE_FROM = 0.5
DECODE_THREADS = 2

ARRAY_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Features) if f.name not in ("niche_ids", "niche_names", "niche_slugs")
)


def store_layout() -> str:
    """Fingerprint of everything the stored columns are indexed by; a store of another layout is unusable."""
    vocabulary = [STORE_FORMAT, PLATFORMS, COUNTRIES, LANGUAGES, KINDS, CURRENCIES, AGE_BANDS, GENDERS, SHARE_SCALE]
    return hashlib.sha256(json.dumps(vocabulary).encode()).hexdigest()[:32]


# --- Encoding: compact exact dtypes ---------------------------------------------------------------


@dataclass(frozen=True)
class Encoded:
    name: str
    dtype: str
    shape: list[int]
    encoding: str
    data: bytes


def _smallest_int(values: np.ndarray) -> np.dtype:
    if not values.size:
        return np.dtype(np.int8)
    lo, hi = int(values.min()), int(values.max())
    for candidate in (np.int8, np.int16, np.int32, np.int64):
        info = np.iinfo(candidate)
        if info.min <= lo and hi <= info.max:
            return np.dtype(candidate)
    raise ValueError("integer out of int64 range")


def _pack(name: str, shape: tuple[int, ...], encoding: str, *parts: np.ndarray) -> Encoded:
    """The parts' bytes one after the other; the dtype of the last (the values) is recorded."""
    raw = b"".join(np.ascontiguousarray(part).tobytes() for part in parts)
    return Encoded(name, parts[-1].dtype.str, list(shape), encoding, raw)


def _compact(array: np.ndarray) -> tuple[str, np.ndarray]:
    """(encoding, values) in the smallest exact dtype: bits for bools, the narrowest int, cents for prices."""
    if array.dtype == np.bool_:
        return "bits", np.packbits(array.reshape(-1))
    if np.issubdtype(array.dtype, np.integer):
        return f"int:{array.dtype.str}", array.astype(_smallest_int(array))
    if array.dtype == np.float64:
        # Prices have two decimals: whole cents are exact, and cents / 100 gives back the same double.
        cents = np.rint(array * 100.0)
        if np.array_equal(cents / 100.0, array) and (not cents.size or np.abs(cents).max() < 2**31):
            return "cents", cents.astype(np.int32)
    return "raw", array


def _fill_value(array: np.ndarray) -> float | int | None:
    """The "nothing here" value (0, -1 or NaN) most cells hold, if more than SPARSE_FROM of them do."""
    if array.dtype == np.bool_:
        return None
    empties: list[tuple[float | int, np.ndarray]] = [(0, array == 0), (-1, array == -1)]
    if array.dtype.kind == "f":
        empties.insert(0, (np.nan, np.isnan(array)))
    for fill, empty in empties:
        if np.count_nonzero(empty) > array.size * SPARSE_FROM:
            return fill
    return None


def encode_array(name: str, array: np.ndarray) -> Encoded:
    """Mostly-empty matrices keep a bit mask and their other cells; the rest are stored compactly whole."""
    fill = _fill_value(array) if array.ndim > 1 else None
    if fill is None:
        encoding, values = _compact(array)
        return _pack(name, array.shape, encoding, values)
    flat = array.reshape(-1)
    present = ~np.isnan(flat) if isinstance(fill, float) else flat != fill
    encoding, values = _compact(flat[present])
    bits = np.packbits(present)
    header = np.asarray([len(bits)], dtype=np.int64)
    return _pack(name, array.shape, f"sparse:{fill}:{encoding}", header.view(np.uint8), bits, values)


def _expand(encoding: str, stored: np.ndarray, size: int) -> np.ndarray:
    if encoding == "bits":
        return np.unpackbits(stored, count=size).view(np.bool_)
    if encoding.startswith("int:"):
        return stored.astype(np.dtype(encoding[4:]))
    if encoding == "cents":
        return stored / 100.0
    return stored.copy()


def decode_array(encoding: str, dtype: str, shape: list[int], raw: bytes) -> np.ndarray:
    size = int(np.prod(shape, dtype=np.int64))
    if not encoding.startswith("sparse:"):
        return _expand(encoding, np.frombuffer(raw, dtype=np.dtype(dtype)), size).reshape(shape)
    _, fill, inner = encoding.split(":", 2)
    bit_bytes = int(np.frombuffer(raw[:8], dtype=np.int64)[0])
    present = np.unpackbits(np.frombuffer(raw[8 : 8 + bit_bytes], dtype=np.uint8), count=size).view(np.bool_)
    values = _expand(inner, np.frombuffer(raw[8 + bit_bytes :], dtype=np.dtype(dtype)), int(np.count_nonzero(present)))
    array = np.full(size, float(fill) if fill == "nan" else int(fill), dtype=values.dtype)
    array[present] = values
    return array.reshape(shape)


# --- The change log --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """Changes after a store's `through`, up to `head` (the newest change)."""

    head: int
    everything: bool  # a change without ids: the store cannot be patched
    influencer_ids: np.ndarray  # int64, sorted, unique


def feature_change_head() -> int:
    """The newest recorded change (0 when there is none)."""
    return FeatureChange.objects.aggregate(head=Max("pk"))["head"] or 0


def feature_changes_since(through: int) -> Changes:
    """The changes after `through`. Their ids follow commit order (features_changed serialises its
    inserts), so no change can later appear below the newest one seen here."""
    head, everything, wanted = through, False, []
    rows = FeatureChange.objects.filter(pk__gt=through).order_by("pk")
    for pk, influencer_ids, id_from, id_to in rows.values_list("pk", "influencer_ids", "id_from", "id_to"):
        head = pk
        if id_from is not None and id_to is not None:
            wanted.append(np.arange(id_from, id_to + 1, dtype=np.int64))
        elif influencer_ids is None:
            everything = True
        else:
            wanted.append(np.asarray(influencer_ids, dtype=np.int64))
    changed = np.unique(np.concatenate(wanted)) if wanted else np.zeros(0, dtype=np.int64)
    return Changes(head=head, everything=everything, influencer_ids=changed)


# --- Build and read ---------------------------------------------------------------------------------


@contextmanager
def _build_lock() -> Iterator[bool]:
    """One build at a time across workers (a PostgreSQL advisory lock; always granted elsewhere)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [BUILD_LOCK_KEY])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [BUILD_LOCK_KEY])


def feature_store_build(*, force: bool = False) -> FeatureStore | None:
    """Load the matrix live and store it as the current build; None when the store is already current
    or another worker is building it."""
    with _build_lock() as acquired:
        return _build(force=force) if acquired else None


def _build(*, force: bool) -> FeatureStore | None:
    started = time.monotonic()
    # The head is read before the data: the store claims no change it may have missed.
    head = feature_change_head()
    layout = store_layout()
    if not force and FeatureStore.objects.filter(through__gte=head, layout=layout).exists():
        return None
    features = load_features()
    columns = [encode_array(name, getattr(features, name)) for name in ARRAY_FIELDS]
    niches = [[i, features.niche_names[i], features.niche_slugs.get(i, "")] for i in features.niche_ids]
    with transaction.atomic():
        store = FeatureStore.objects.create(
            through=head,
            layout=layout,
            rows=len(features),
            niches=niches,
            build_ms=int((time.monotonic() - started) * 1000),
            bytes=sum(len(c.data) for c in columns),
        )
        FeatureStoreColumn.objects.bulk_create(
            FeatureStoreColumn(store=store, name=c.name, dtype=c.dtype, shape=c.shape, encoding=c.encoding, data=c.data)
            for c in columns
        )
        # Older builds are superseded; a reader in the middle of one keeps its snapshot.
        FeatureStore.objects.filter(pk__lt=store.pk).delete()
        # Changes this build covers are kept a day for workers patching an older matrix (whose age
        # MATCH_FEATURE_CACHE_SECONDS bounds), then dropped.
        FeatureChange.objects.filter(pk__lte=head, created_at__lt=timezone.now() - CHANGE_LOG_KEEP).delete()
    logger.info("Feature store %s: %s rows through change %s in %s ms", store.pk, store.rows, head, store.build_ms)
    return store


def _json(value: object) -> Any:
    """A JSON column as read by a raw cursor: already decoded (PostgreSQL jsonb) or text (SQLite)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


@dataclass(frozen=True)
class StoredFeatures:
    through: int
    features: Features


def feature_store_read() -> StoredFeatures | None:
    """The newest store of the current layout, decoded; None when there is none."""
    layout = store_layout()
    # One statement, so the header and its columns come from one snapshot even while a build replaces it.
    sql = """
        SELECT s.through, s.rows, s.niches, c.name, c.dtype, c.shape, c.encoding, c.data
        FROM campaigns_featurestore s JOIN campaigns_featurestorecolumn c ON c.store_id = s.id
        WHERE s.id = (SELECT max(id) FROM campaigns_featurestore WHERE layout = %s)
    """
    if connection.vendor == "postgresql":
        # Binary results: the bytea arrives as it is stored, not as hex text twice its size (Django's
        # client-side cursor cannot ask for binary results, a plain psycopg cursor on its connection can).
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            rows = cursor.execute(sql, [layout], binary=True).fetchall()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [layout])
            rows = cursor.fetchall()
    if not rows:
        return None
    through, count, niches = rows[0][0], rows[0][1], rows[0][2]
    niches = _json(niches)
    # numpy releases the GIL while it fills and scatters: two threads decode at once.
    with ThreadPoolExecutor(max_workers=DECODE_THREADS) as pool:
        decoded = pool.map(lambda row: (row[3], decode_array(row[6], row[4], _json(row[5]), row[7])), rows)
        arrays = dict(decoded)
    if set(arrays) != set(ARRAY_FIELDS) or len(arrays["ids"]) != count:
        logger.warning("Feature store through change %s is incomplete; ignoring it", through)
        return None
    # Names and slugs come from the live table (a rename is no matching input change); the columns
    # are only valid for the niche ids they were built with.
    vocabulary = list(Niche.objects.order_by("id").values_list("id", "name", "slug"))
    if [n[0] for n in vocabulary] != [n[0] for n in niches]:
        logger.warning("The niches changed since feature store through change %s; ignoring it", through)
        return None
    features = Features(
        **arrays,
        niche_ids=[n[0] for n in vocabulary],
        niche_names={n[0]: n[1] for n in vocabulary},
        niche_slugs={n[0]: n[2] for n in vocabulary},
    )
    return StoredFeatures(through=through, features=features)


# --- Patching -----------------------------------------------------------------------------------------


def features_patched(base: Features, changed_ids: np.ndarray) -> Features | None:
    """`base` with the rows of `changed_ids` loaded live (added, replaced or dropped); None if it cannot."""
    if not len(changed_ids):
        return base
    fresh = load_features(changed_ids.tolist())
    if fresh.niche_ids != base.niche_ids or fresh.niche_slugs != base.niche_slugs:
        return None  # the niche vocabulary changed: every row's columns moved
    keep = ~np.isin(base.ids, changed_ids, assume_unique=True)
    ids = np.concatenate([base.ids[keep], fresh.ids])
    order = np.argsort(ids, kind="stable")
    arrays = {
        name: np.concatenate([getattr(base, name)[keep], getattr(fresh, name)])[order]
        for name in ARRAY_FIELDS
        if name != "ids"
    }
    return Features(
        ids=ids[order],
        **arrays,
        niche_ids=base.niche_ids,
        niche_names=fresh.niche_names,
        niche_slugs=base.niche_slugs,
    )


def features_brought_up_to_date(base: Features, through: int) -> tuple[Features, int] | None:
    """Patch `base` (exact through change `through`) to the newest change; None if it cannot."""
    changes = feature_changes_since(through)
    if changes.head == through:
        return base, through
    if changes.everything or len(changes.influencer_ids) > settings.MATCH_FEATURE_PATCH_LIMIT:
        return None
    patched = features_patched(base, changes.influencer_ids)
    return (patched, changes.head) if patched is not None else None


def features_from_store() -> tuple[Features, int] | None:
    """The stored matrix brought up to the newest change; None (and a rebuild queued) if it cannot be."""
    stored = feature_store_read()
    updated = features_brought_up_to_date(stored.features, stored.through) if stored is not None else None
    if updated is None:
        logger.warning("The feature store is missing or too far behind; loading the matrix live")
        enqueue(STORE_BUILD_TASK)
    return updated


# --- The worker's copy ---------------------------------------------------------------------------------

_cache_lock = threading.Lock()


@dataclass(frozen=True)
class _CacheEntry:
    through: int  # the last influencers.FeatureChange the matrix includes
    loaded: float  # time.monotonic() when it was read from the store or the database
    features: Features


_cached: dict[str, _CacheEntry] = {}


def matchable_features() -> Features:
    """The matrix of every matchable influencer, exact as of the newest FeatureChange.

    In order: this process's copy patched with the changes since (MATCH_FEATURE_CACHE_SECONDS), the
    feature store patched likewise (MATCH_FEATURE_STORE), else the live loader (and a store rebuild is
    queued). A copy or store that cannot be brought up to date is never used.
    """
    ttl = settings.MATCH_FEATURE_CACHE_SECONDS
    if ttl <= 0 and not settings.MATCH_FEATURE_STORE:
        return load_features()
    with _cache_lock:
        entry = _cached.get("all")
        if entry is not None and time.monotonic() - entry.loaded < ttl:
            updated = features_brought_up_to_date(entry.features, entry.through)
            if updated is not None:
                features, through = updated
                _cached["all"] = _CacheEntry(through=through, loaded=entry.loaded, features=features)
                return features
        loaded = time.monotonic()
        found = features_from_store() if settings.MATCH_FEATURE_STORE else None
        if found is None:
            through = feature_change_head()  # read before the data, like a store build
            features = load_features()
        else:
            features, through = found
        if ttl > 0:
            _cached["all"] = _CacheEntry(through=through, loaded=loaded, features=features)
        return features


def forget_cached_features() -> None:
    with _cache_lock:
        _cached.clear()
