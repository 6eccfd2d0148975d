"""A creator reports their own numbers for one of their accounts (issue 17, docs/metrics.md "Self-reported numbers").

Two ways in, one write path: the insights export as a CSV of posts (the staff import's post columns;
platform and account may be left out) or recent posts typed in by hand, plus the current follower
count. Every row goes through the staff import's validation and writers (import_records) in one
transaction: any problem rejects everything, with the row and column named. The account is then marked
self-reported, which caps the influencer's credibility (metrics/credibility.py) until a verified import
replaces the numbers (verification.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from ..access import STOPPED
from ..kernel.audit import audit_record
from ..kernel.errors import Conflict, NotAllowed
from ..models import FollowerSnapshot, MetricsSource, Post, SocialAccount
from ..services import influencer_metrics_request
from . import import_records
from .errors import ImportFailed, RowError
from .providers import CsvProvider, RawRecord
from .validation import Invalid, handle, platform, required_count
from .verification import SELF_REPORTED_PREFIX

# Stored ids carry the prefix; the platform's own ids keep the staff import's limit of 100 characters.
MAX_OWN_ID = 100 - len(SELF_REPORTED_PREFIX)


@dataclass(frozen=True)
class ReportedPost:
    """One post typed in by hand. None = the platform hides that count (stored as NULL, never 0)."""

    posted_on: dt.date
    likes: int | None
    comments: int | None
    views: int | None
    row: int = 0  # its row on the page, when rows may be left empty (0: its place in the list)


@dataclass(frozen=True)
class SelfReportResult:
    account: SocialAccount
    posts: int
    written: int


class _ForAccount:
    """Rows of one account: fills in platform and account, refuses rows about another account."""

    def __init__(self, account: SocialAccount) -> None:
        self.account = account

    def record(self, label: str, raw: dict[str, object]) -> RawRecord:
        if "__error__" in raw:
            return "posts", label, raw
        raw = dict(raw)
        for column, parse, own in (
            ("platform", platform, self.account.platform),
            ("account", handle, self.account.handle),
        ):
            value = raw.get(column)
            if value is None or not str(value).strip():
                raw[column] = own
                continue
            try:
                given = parse(value)
            except Invalid:
                continue  # the shared validation words the message
            if given != own:
                message = _("%(column)s is “%(given)s”, but you are reporting the numbers of %(account)s") % {
                    "column": column,
                    "given": given,
                    "account": self.account,
                }
                return "posts", label, {"__error__": message}
        own_id = str(raw.get("external_id") or "").strip()
        if len(own_id) > MAX_OWN_ID:
            message = _("external_id must be at most %(n)d characters") % {"n": MAX_OWN_ID}
            return "posts", label, {"__error__": message}
        raw["external_id"] = f"{SELF_REPORTED_PREFIX}{own_id}" if own_id else ""
        return "posts", label, raw


class SelfReportedCsv(_ForAccount):
    """The creator's insights export: a CSV of posts in the staff import's columns."""

    def __init__(self, account: SocialAccount, source: IO[bytes]) -> None:
        super().__init__(account)
        self.csv = CsvProvider(source)

    def records(self) -> Iterator[RawRecord]:
        for kind, label, raw in self.csv.records():
            if kind != "posts":
                message = _("This file holds %(kind)s; upload a CSV of posts (with an external_id column).")
                raise ImportFailed([RowError(_("row 1"), message % {"kind": kind})])
            yield self.record(label, raw)


class SelfReportedPosts(_ForAccount):
    """Posts typed in by hand, numbered as on the page ("post 2")."""

    def __init__(self, account: SocialAccount, posts: Sequence[ReportedPost]) -> None:
        super().__init__(account)
        self.posts = posts

    def records(self) -> Iterator[RawRecord]:
        per_day: dict[dt.date, int] = {}
        for number, post in enumerate(self.posts, start=1):
            per_day[post.posted_on] = per_day.get(post.posted_on, 0) + 1
            raw: dict[str, object] = {
                # A typed-in post is known by its day and its place among that day's posts.
                "external_id": f"manual-{post.posted_on.isoformat()}-{per_day[post.posted_on]}",
                "posted_at": f"{post.posted_on.isoformat()}T00:00:00+00:00",
                "likes": post.likes,
                "comments": post.comments,
                "views": post.views,
            }
            yield self.record(_("post %d") % (post.row or number), raw)


def self_report_refusal(*, account: SocialAccount, by: User) -> str | None:
    """Why this person cannot report numbers for this account now (None when they can)."""
    influencer = account.influencer
    if influencer.user_id is None or influencer.user_id != by.pk:
        return _("This is not your account.")
    if influencer.status in STOPPED:
        return _("Your profile is %(status)s by moderation, so you cannot report numbers.") % {
            "status": influencer.get_status_display().lower()
        }
    return None


def verified_numbers_exist() -> Q:
    """The accounts whose numbers came from a verified import (posts or follower counts): a self-report is refused.

    One condition for the refusal here and for the accounts pages (selectors.creator_accounts), which offer
    "Report numbers" only where it can succeed.
    """
    posts = Post.objects.filter(account=OuterRef("pk"))
    snapshots = FollowerSnapshot.objects.filter(account=OuterRef("pk"))
    return Q(metrics_source=MetricsSource.IMPORT) & (Q(Exists(posts)) | Q(Exists(snapshots)))


def has_verified_data(account: SocialAccount) -> bool:
    return SocialAccount.objects.filter(verified_numbers_exist(), pk=account.pk).exists()


def account_metrics_self_report(
    *,
    account: SocialAccount,
    by: User,
    followers: object,
    csv_file: IO[bytes] | None = None,
    posts: Sequence[ReportedPost] | None = None,
) -> SelfReportResult:
    """Write the creator's own posts (a CSV or typed in) and follower count; all or nothing.

    Raises NotAllowed (not theirs, moderation stopped them), Conflict (verified numbers exist) or
    ImportFailed (every problem, by row and column; nothing written).
    """
    if (csv_file is None) == (posts is None):
        raise ValueError("Pass either csv_file or posts.")
    if refusal := self_report_refusal(account=account, by=by):
        raise NotAllowed(refusal)
    if posts is not None and not posts:
        raise ImportFailed([RowError("", _("Enter at least one post."))])
    problems: list[RowError] = []
    try:
        follower_count = required_count(followers)
    except Invalid as problem:
        problems.append(RowError(_("followers"), str(problem)))
        follower_count = 0
    provider = SelfReportedCsv(account, csv_file) if csv_file is not None else SelfReportedPosts(account, posts or ())
    with transaction.atomic():
        locked = SocialAccount.objects.select_for_update().select_related("influencer").get(pk=account.pk)
        if has_verified_data(locked):
            raise Conflict(
                _(
                    "%(account)s already has verified numbers from an import; they cannot be replaced by "
                    "self-reported ones."
                )
                % {"account": locked}
            )
        try:
            rows, written, _accounts, changed = import_records(provider, by=by)
        except ImportFailed as failed:
            raise ImportFailed(problems + failed.errors, truncated=failed.truncated) from None
        if problems:
            raise ImportFailed(problems)
        locked.followers = follower_count
        locked.metrics_source = MetricsSource.SELF_REPORTED
        locked.save(update_fields=["followers", "metrics_source"])
        audit_record(
            actor=by,
            action="social_account.metrics_self_reported",
            target=locked,
            data={"posts": rows.get("posts", 0), "written": written.get("posts", 0), "followers": follower_count},
        )
        if locked.influencer_id not in changed:  # import_records queued it when posts changed
            influencer_metrics_request(influencer_ids=[locked.influencer_id], by=by)
    return SelfReportResult(locked, rows.get("posts", 0), written.get("posts", 0))
