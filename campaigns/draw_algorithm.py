"""The giveaway draw as published in docs/giveaways.md: pure functions, standard library only.

docs/giveaways/verify_draw.py spells the same steps out again for people who re-run a draw without
this project; tests/campaigns/test_draws.py checks that both give the same winners.

1. **Canonical entry id**: the entrant's public handle, trimmed, without a leading "@", NFKC-normalised
   and lower-cased ("  @Anna.B " -> "anna.b").
2. **Rule**: one entry per account (duplicates removed), excluded accounts removed.
3. **Canonical entry list**: the remaining ids sorted by their UTF-8 bytes, one per line, each line
   ending in "\\n". Its SHA-256 is the entry-list commitment.
4. **Seed**: 32 random bytes; the seed commitment is the SHA-256 of those bytes.
5. **Draw**: for every entry id, HMAC-SHA256(key=seed, msg=id as UTF-8); order by that digest (hex),
   then by id; the first N are the winners, in that order.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# What a canonical entry id may be: the characters platform handles use (Instagram, TikTok, X, YouTube).
ENTRY_ID_PATTERN = re.compile(r"^[a-z0-9._-]{1,100}$")


def entry_id_canonical(raw: str) -> str:
    """The canonical id of one entrant handle as typed in a comment export."""
    text = unicodedata.normalize("NFKC", raw).strip()
    return text.removeprefix("@").strip().lower()


@dataclass(frozen=True)
class EntryCounts:
    raw: int  # rows in the upload
    duplicates_removed: int  # rows of an account already entered (one entry per account)
    excluded_removed: int  # distinct accounts on the exclusion list that had entered
    eligible: int  # entries in the canonical list


def entries_apply_rule(entries: Iterable[str], excluded: Iterable[str]) -> tuple[list[str], EntryCounts]:
    """The canonical entry list (sorted, unique, exclusions removed) and the counts of what the rule removed.

    `entries` and `excluded` must already be canonical ids.
    """
    rows = list(entries)
    unique = set(rows)
    excluded_set = set(excluded)
    eligible = sorted(unique - excluded_set, key=lambda entry: entry.encode())
    counts = EntryCounts(
        raw=len(rows),
        duplicates_removed=len(rows) - len(unique),
        excluded_removed=len(unique & excluded_set),
        eligible=len(eligible),
    )
    return eligible, counts


def entry_list_text(entries: Iterable[str]) -> str:
    """The canonical entry list as published: one id per line, every line ending in a newline."""
    return "".join(f"{entry}\n" for entry in entries)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_list_sha256(entries: Iterable[str]) -> str:
    """The entry-list commitment: SHA-256 of the canonical entry list's UTF-8 bytes."""
    return sha256_hex(entry_list_text(entries).encode())


def entry_digest(seed: bytes, entry: str) -> str:
    """HMAC-SHA256(key=seed, msg=entry id), hex: the entry's place in the draw's order."""
    return hmac.new(seed, entry.encode(), hashlib.sha256).hexdigest()


def winners_draw(seed: bytes, entries: Iterable[str], count: int) -> list[str]:
    """The first `count` entry ids ordered by their HMAC digest (then by id): the winners, in order."""
    ordered = sorted(entries, key=lambda entry: (entry_digest(seed, entry), entry.encode()))
    return ordered[:count]
