"""Verified data replaces self-reported data (docs/metrics.md, "Self-reported numbers").

Self-reported posts are stored under external ids with SELF_REPORTED_PREFIX, so a verified import of the
same posts never merges with them: it writes its own rows, and then the creator's rows are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import MetricsSource, Post, SocialAccount

SELF_REPORTED_PREFIX = "self:"


def self_reported_replace(*, account_ids: Iterable[int]) -> set[int]:
    """A verified import wrote posts or snapshots of these accounts: drop their self-reported posts and
    clear the mark. Returns the accounts that were self-reported. Runs in the import's transaction."""
    # The partial index account_self_reported holds only the few marked accounts.
    marked = set(SocialAccount.objects.filter(metrics_source=MetricsSource.SELF_REPORTED).values_list("pk", flat=True))
    replaced = marked.intersection(account_ids)
    if not replaced:
        return set()
    Post.objects.filter(account_id__in=replaced, external_id__startswith=SELF_REPORTED_PREFIX).delete()
    SocialAccount.objects.filter(pk__in=replaced).update(metrics_source=MetricsSource.IMPORT)
    return replaced
