"""The demo run's context (anchor, moderator, content types), its tally, and how rows are written."""

from __future__ import annotations

import base64
import datetime as dt
import random
import string
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import islice
from zoneinfo import ZoneInfo

from django.db import connection, models
from django.utils import timezone

from influencers.models import (
    FollowerSnapshot,
    Influencer,
    Offer,
    Post,
    SocialAccount,
)

from .cast import APPROVED

DEFAULT_INFLUENCERS = 300
DEFAULT_SEED = 42
MIN_INFLUENCERS = 20  # one layout block: every tier and moderation status, and both demo creators
BATCH_INFLUENCERS = 500  # influencers generated and written per transaction (bounds memory)
ROWS_PER_INSERT = 5000
HISTORY_DAYS = 90
# Only the first influencers are "claimed" community members that take part in campaigns; beyond
# that, profiles are imported (no user) with a small chance of a claimed account.
COMMUNITY_SIZE = 400
CLAIMED_SHARE_BEYOND_COMMUNITY = 0.3
DEMO_SCOPE = "demo"
ANCHOR_HOUR = 9  # "now" of the demo: 09:00 local time on the anchor day
POSTING_HOURS = 16  # posts go out between 07:00 and 23:00
CODE_ALPHABET = string.ascii_letters + string.digits + "-_"


# --- Context: the anchor, the moderator, content types ----------------------------------------


@dataclass
class DemoContext:
    seed: int
    influencers: int
    today: dt.date
    tz: ZoneInfo
    moderator_id: int
    niche_ids: dict[str, int]
    content_types: dict[type[models.Model], int]
    written_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def now(self) -> dt.datetime:
        """The demo's "now": every generated event happened before it."""
        return self.at(self.today, ANCHOR_HOUR)

    def at(self, day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def days_ago(self, days: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days)

    @cached_property
    def history_days(self) -> list[dt.date]:
        """The days of the follower history: the last 90, ending with demo today."""
        return [self.today - dt.timedelta(days=HISTORY_DAYS - 1 - n) for n in range(HISTORY_DAYS)]

    @cached_property
    def posting_slots(self) -> list[tuple[dt.datetime, int]]:
        """Each posting hour (07:00–23:00) of the 90 days before demo today, with its Unix time."""
        slots: list[dt.datetime] = []
        for n in range(HISTORY_DAYS):
            day = self.today - dt.timedelta(days=HISTORY_DAYS - n)
            slots.extend(self.at(day, 7 + hour) for hour in range(POSTING_HOURS))
        return [(slot, int(slot.timestamp())) for slot in slots]


@dataclass
class SeedResult:
    seed: int
    influencers: int
    today: dt.date
    written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, label: str, rows: int) -> None:
        if rows:
            self.written[label] = self.written.get(label, 0) + rows

    @property
    def total(self) -> int:
        return sum(self.written.values())


# --- Writing rows ------------------------------------------------------------------------------


def _concrete_field(model: type[models.Model], name: str) -> models.Field:
    """A column of the model by field name (never a reverse relation, which has no column)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _column(field: models.Field) -> str:
    """The database column of a concrete field."""
    if field.column is None:
        raise TypeError(f"{field} has no column")
    return field.column


def append_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows whose natural keys were checked to be free (see _write_influencer_batch).

    PostgreSQL gets binary COPY, an order of magnitude faster than INSERT for millions of posts and
    snapshots; other databases get batched INSERTs. Values are written as given, so auto_now_add
    columns take the (deterministic) times passed in; columns not given get the model default, so
    a field added to a model later does not break the generator.
    """
    fields = [_concrete_field(model, name) for name in columns]
    given = {f.attname for f in fields}
    rest = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in given]
    now = timezone.now()
    defaults = tuple(
        now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default() for f in rest
    )
    fields += rest
    table = model._meta.db_table
    column_list = ", ".join(connection.ops.quote_name(_column(f)) for f in fields)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0",
                [table],
            )
            types = dict(cursor.fetchall())
            copy_sql = f"COPY {connection.ops.quote_name(table)} ({column_list}) FROM STDIN (FORMAT BINARY)"
            with cursor.cursor.copy(copy_sql) as copy:
                copy.set_types([types[_column(f)] for f in fields])
                for row in rows:
                    copy.write_row((*row, *defaults))
                    written += 1
            return written
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({column_list}) VALUES ({placeholders})"  # noqa: S608
        # Only these types need the backend's conversion; ints, floats, strings and booleans pass as they are.
        converters = [f.get_db_prep_save if f.get_internal_type() in ADAPTED_TYPES else None for f in fields]
        remaining = iter(rows)
        while chunk := list(islice(remaining, ROWS_PER_INSERT)):
            params = [
                [
                    v if convert is None or v is None else convert(v, connection)
                    for convert, v in zip(converters, (*row, *defaults), strict=True)
                ]
                for row in chunk
            ]
            cursor.executemany(sql, params)
            written += len(chunk)
    return written


ADAPTED_TYPES = frozenset(
    {"DateTimeField", "DateField", "TimeField", "DecimalField", "JSONField", "DurationField", "UUIDField"}
)


def _audit_row(
    ctx: DemoContext,
    *,
    model: type[models.Model],
    pk: int,
    label: str,
    action: str,
    actor_id: int | None,
    at: dt.datetime,
    reason: str = "",
    data: dict | None = None,
) -> tuple:
    return (actor_id, action, ctx.content_types[model], str(pk), label[:200], reason, data or {}, at)


AUDIT_COLUMNS = ("actor_id", "action", "content_type_id", "object_id", "object_repr", "reason", "data", "created_at")
NOTIFICATION_COLUMNS = ("user_id", "verb", "message", "url", "read_at", "created_at")


def _notification_row(ctx: DemoContext, *, user_id: int, verb: str, message: str, at: dt.datetime) -> tuple:
    # Older notices have been read; the last few days' ones are still waiting.
    read_at = at + dt.timedelta(hours=5) if at < ctx.days_ago(3) else None
    return (user_id, verb, message[:300], "", read_at, at)


@contextmanager
def _bulk_foreign_keys_checked_at_end(enabled: bool) -> Iterator[None]:
    """Check the foreign keys of posts and snapshots once, after the load, instead of per row.

    PostgreSQL checks a foreign key with one trigger call per inserted row, about as much work as
    writing the row; re-adding the constraint afterwards checks every row in one join (the
    PostgreSQL manual's advice for populating a database, "Remove Foreign Key Constraints"). Both
    happen inside the load's transaction: a failed or interrupted load rolls back with the
    constraints in place. Meanwhile other sessions wait for the two tables.
    """
    if not enabled:
        yield
        return
    tables = [Post._meta.db_table, FollowerSnapshot._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


# --- Small helpers shared by the row writers ------------------------------------------------------


def _code(rng: random.Random, serial: int, length: int) -> str:
    """A platform-style id: random characters, ending in the serial so ids never repeat per account."""
    head = base64.urlsafe_b64encode(rng.randbytes(length)).decode()[: length - 2]
    return head + CODE_ALPHABET[serial // 64 % 64] + CODE_ALPHABET[serial % 64]


def _round_money(amount: Decimal | float) -> Decimal:
    return Decimal(max(50, round(float(amount) / 50) * 50))


# --- What the campaign side knows of a creator -----------------------------------------------------


@dataclass
class Member:
    """An approved, active influencer with a login, as the campaign side needs to know them."""

    id: int
    handle: str
    user_id: int
    first_name: str
    niches: set[str] = field(default_factory=set)
    followers: dict[str, int] = field(default_factory=dict)  # platform -> followers
    offers: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # kind -> (offer id, price)

    @property
    def largest(self) -> int:
        return max(self.followers.values(), default=0)


@dataclass(frozen=True)
class CampaignLayout:
    kind: str
    status: str
    visibility: str
    moderation: str = APPROVED
    reason: str = ""


def _load_members(**filters: object) -> list[Member]:
    rows = (
        Influencer.objects.filter(status=APPROVED, is_active=True, user__isnull=False, **filters)
        .order_by("handle")
        .values_list("id", "handle", "user_id", "display_name")
    )
    members = {pk: Member(pk, handle, user_id, name.split(" ")[0]) for pk, handle, user_id, name in rows}
    through = Influencer.niches.through.objects.filter(influencer_id__in=list(members))
    for influencer_id, slug in through.values_list("influencer_id", "niche__slug"):
        members[influencer_id].niches.add(slug)
    accounts = SocialAccount.objects.filter(influencer_id__in=list(members))
    for influencer_id, platform, followers in accounts.values_list("influencer_id", "platform", "followers"):
        members[influencer_id].followers[platform] = followers
    offers = Offer.objects.filter(influencer_id__in=list(members), is_active=True).order_by("pk")
    for influencer_id, kind, pk, price in offers.values_list("influencer_id", "kind", "id", "price"):
        members[influencer_id].offers.setdefault(kind, (pk, price))
    return list(members.values())
