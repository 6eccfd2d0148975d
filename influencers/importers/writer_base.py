# ruff: noqa: S608 - SQL is assembled from constants and dialect pieces; values go in as parameters.
"""The writer every import path shares: rejected rows, counts, audiences and the accounts to recompute.

Audiences are few per file and go through the ORM in batches on every database.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import defaultdict

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Audience, AudienceCountry, FollowerSketch, Influencer, SocialAccount
from ..sql import Dialect
from ..taxonomy import AGE_FIELDS, GENDER_FIELDS
from .errors import MAX_ERRORS, ImportFailed, RowError
from .validation import (
    POST_COLUMNS,
)

BATCH_ROWS = 1000
ONE_DAY = dt.timedelta(days=1)
# SQLSTATE of "ON CONFLICT DO UPDATE command cannot affect row a second time".
CARDINALITY_VIOLATION = "21000"

# Post columns written, in the order of the validated tuple after (platform, account).
POST_FIELDS = POST_COLUMNS[2:]
SHARE_FIELDS = (*AGE_FIELDS.values(), *GENDER_FIELDS.values())


def _no_account(platform: str, handle: str) -> str:
    return _("there is no %(platform)s account @%(handle)s on Invloed; add it to the influencer's profile first") % {
        "platform": platform,
        "handle": handle,
    }


def _same_as(first: str) -> str:
    return _("describes the same record as %(first)s; keep one of them") % {"first": first}


class ImportWriter(ABC):
    def __init__(self) -> None:
        self.dialect = Dialect(connection)
        # (record number, RowError): sorted by record at the end, so every writer reports the same
        # first MAX_ERRORS problems of a file in file order, whatever order it found them in.
        self.errors: list[tuple[int, RowError]] = []
        self.truncated = False
        self.row_no = 0  # the record being validated (set by import_records)
        self.rows: dict[str, int] = defaultdict(int)
        self.written: dict[str, int] = defaultdict(int)
        self.changed_accounts: set[int] = set()
        self.changed_snapshot_accounts: set[int] = set()  # their current follower count may move
        self.changed_influencers: set[int] = set()
        self._audience: list[tuple[int, str, tuple]] = []
        self._audience_seen: dict[str, str] = {}
        self._samples: list[tuple[int, str, tuple]] = []
        self._samples_seen: dict[tuple[str, str], str] = {}

    # --- collecting -----------------------------------------------------------------------------

    def reject(self, label: str, messages: list[str], row_no: int | None = None) -> None:
        number = self.row_no if row_no is None else row_no
        self.errors.extend((number, RowError(label, message)) for message in messages)

    @property
    def full(self) -> bool:
        """Enough problems to stop reading: the first MAX_ERRORS of the file are known."""
        return len(self.errors) >= MAX_ERRORS

    def failure(self) -> ImportFailed:
        ordered = [error for _number, error in sorted(self.errors, key=lambda item: item[0])]
        return ImportFailed(ordered[:MAX_ERRORS], truncated=len(ordered) >= MAX_ERRORS)

    def add(self, kind: str, label: str, values: tuple) -> None:
        self.rows[kind] += 1
        self.written[kind] += 0  # every kind read is reported, also when nothing of it changed
        if kind == "audience":
            key = values[0]
            if key in self._audience_seen:
                self.reject(label, [_same_as(self._audience_seen[key])])
                return
            self._audience_seen[key] = label
            self._audience.append((self.row_no, label, values))
            if len(self._audience) >= BATCH_ROWS:
                self._pause()
                self._flush_audience()
        elif kind == "follower_samples":
            sample_key = (values[0], values[1])
            if sample_key in self._samples_seen:
                self.reject(label, [_same_as(self._samples_seen[sample_key])])
                return
            self._samples_seen[sample_key] = label
            self._samples.append((self.row_no, label, values))
        else:
            self._add_counts(kind, label, values)

    @abstractmethod
    def _add_counts(self, kind: str, label: str, values: tuple) -> None:
        """Take one validated post or snapshot."""

    def _pause(self) -> None:  # noqa: B027 - a hook: only the streaming writer has something to stop
        """Writers that stream (COPY) stop here before other statements run on the connection."""

    def close(self) -> None:  # noqa: B027 - a hook: only the streaming writer holds a cursor
        """Release what the writer holds; called whether the import succeeded or not."""

    def finish(self) -> None:
        """Write what is left; raise ImportFailed (the caller's transaction rolls back) on any error."""
        if not any(self.rows.values()) and not self.errors:
            raise ImportFailed([RowError("", _("The file holds no records: nothing to import."))])
        self._finish_counts()
        self._flush_audience()
        # After the snapshots: a sample is checked against the account's follower count they set.
        self._write_samples()
        if self.errors:
            raise self.failure()
        if self.changed_accounts:
            self._after_account_changes()

    @abstractmethod
    def _finish_counts(self) -> None:
        """Write the posts and snapshots still held, after checking accounts and duplicates."""

    # --- shared steps ---------------------------------------------------------------------------

    def _write_samples(self) -> None:
        """Replace the follower sketch of every sampled account (the sketches were built in validation)."""
        if not self._samples:
            return
        self._pause()
        wanted = Q()
        for platform, handle in self._samples_seen:
            wanted |= Q(platform=platform, handle=handle)
        accounts = {
            (account.platform, account.handle): account
            for account in SocialAccount.objects.filter(wanted).only("id", "platform", "handle", "followers")
        }
        now = timezone.now()
        rows = []
        for row_no, label, (platform, handle, level, sketch) in self._samples:
            account = accounts.get((platform, handle))
            if account is None:
                self.reject(label, [_no_account(platform, handle)], row_no)
                continue
            if sketch.sample_size > account.followers:
                message = _(
                    "the sample holds %(sample)s distinct ids but the account has %(followers)s followers; "
                    "import its follower count (a snapshot) first"
                ) % {"sample": f"{sketch.sample_size:,}", "followers": f"{account.followers:,}"}
                self.reject(label, [message], row_no)
                continue
            rows.append(
                FollowerSketch(
                    account=account,
                    level=level,
                    sample_size=sketch.sample_size,
                    followers=account.followers,
                    sketch=sketch.to_bytes(),
                    imported_at=now,
                )
            )
        if self.errors:
            return
        FollowerSketch.objects.filter(account__in=[row.account for row in rows]).delete()
        FollowerSketch.objects.bulk_create(rows, batch_size=500)
        self.written["follower_samples"] += len(rows)

    def _after_account_changes(self) -> None:
        """Current followers follow the newest snapshot; the accounts are marked for the recompute."""
        with connection.cursor() as cursor:
            if self.changed_snapshot_accounts:
                cursor.execute(
                    f"""
                    UPDATE influencers_socialaccount AS a SET followers = s.followers
                    FROM (
                        SELECT account_id, followers FROM (
                            SELECT account_id, followers,
                                   ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY date DESC) AS rn
                            FROM influencers_followersnapshot WHERE {self.dialect.in_ids("account_id", "ids")}
                        ) AS ranked WHERE rn = 1
                    ) AS s
                    WHERE a.id = s.account_id AND a.followers {self.dialect.distinct} s.followers
                    """,
                    {"ids": self.dialect.ids_param(self.changed_snapshot_accounts)},
                )
            # One statement with an id array (not 10,000 parameters), returning the influencers.
            cursor.execute(
                f"UPDATE influencers_socialaccount SET posts_changed_at = %(now)s "
                f"WHERE {self.dialect.in_ids('id', 'ids')} RETURNING influencer_id",
                {
                    "now": self.dialect.datetime_param(timezone.now()),
                    "ids": self.dialect.ids_param(self.changed_accounts),
                },
            )
            self.changed_influencers |= {row[0] for row in cursor.fetchall()}

    def _flush_audience(self) -> None:
        batch, self._audience = self._audience, []
        if not batch:
            return
        handles = {values[0] for _row_no, _label, values in batch}
        influencers = dict(Influencer.objects.filter(handle__in=handles).values_list("handle", "pk"))
        existing = {
            audience.influencer_id: audience
            for audience in Audience.objects.filter(influencer_id__in=influencers.values()).prefetch_related(
                "countries"
            )
        }
        changed: list[Audience] = []
        countries: dict[int, dict[str, float]] = {}
        for row_no, label, values in batch:
            handle, as_of, source, *shares = values[:-2]
            country_shares, language_shares = values[-2:]
            influencer_id = influencers.get(handle)
            if influencer_id is None:
                message = _("there is no influencer @%(handle)s on Invloed") % {"handle": handle}
                self.reject(label, [message], row_no)
                continue
            audience = existing.get(influencer_id) or Audience(influencer_id=influencer_id)
            wanted = {"as_of": as_of, "source": source, "language_shares": language_shares}
            wanted |= dict(zip(SHARE_FIELDS, shares, strict=True))
            old_countries = {c.country: c.share for c in audience.countries.all()} if audience.pk is not None else None
            if (
                audience.pk is not None
                and old_countries == country_shares
                and all(getattr(audience, field) == value for field, value in wanted.items())
            ):
                continue
            for field, value in wanted.items():
                setattr(audience, field, value)
            changed.append(audience)
            countries[influencer_id] = country_shares
        if self.errors or not changed:
            return
        now = timezone.now()
        for audience in changed:
            audience.updated_at = now
        new = [a for a in changed if a.pk is None]
        Audience.objects.bulk_create(new)
        Audience.objects.bulk_update(
            [a for a in changed if a not in new], [*SHARE_FIELDS, "as_of", "source", "language_shares", "updated_at"]
        )
        ids = dict(Audience.objects.filter(influencer_id__in=countries).values_list("influencer_id", "pk"))
        AudienceCountry.objects.filter(audience_id__in=ids.values()).delete()
        AudienceCountry.objects.bulk_create(
            AudienceCountry(audience_id=ids[influencer_id], country=code, share=value)
            for influencer_id, shares in countries.items()
            for code, value in shares.items()
        )
        self.written["audience"] += len(changed)
        self.changed_influencers |= set(countries)
