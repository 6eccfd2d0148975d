"""Follower samples with planted overlaps: the demo's, the scale benchmark's and the tests' ground truth.

Accounts are put in groups. Within a group every account follows a small group pool, consecutive
accounts share a pair pool of a chosen fraction of the smaller audience (38 %, 20 %, …), and the rest
of each audience is its own. Follower ids are made up ("<seed>-<pool>-<n>"), so the true shared
followers of any two accounts and the true unique reach of any set are sums of pool sizes, known by
construction; the sample of an account is the part of its followers the public sampling rule keeps
at its level (influencers/overlap.py), exactly what an import of that sample would hold.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from brands.models import ShortlistEntry
from influencers import overlap
from influencers.models import FollowerSketch, SocialAccount
from influencers.taxonomy import ModerationStatus, Platform

PAIR_SHARES = (0.38, 0.2, 0.1, 0.05, 0.3, 0.15, 0.25, 0.02, 0.12)
GROUP_SHARE = 0.04
SAMPLE_TARGET = 4_000  # ids per sample: the level is the shallowest one that keeps it near this


@dataclass(frozen=True)
class Pool:
    name: str
    members: frozenset[int]  # account positions
    size: int


@dataclass
class PlantedWorld:
    followers: list[int]
    levels: list[int]
    platform: str
    seed: int
    pools: list[Pool] = field(default_factory=list)

    def shared(self, i: int, j: int) -> int:
        """True number of followers of both account i and account j."""
        return sum(pool.size for pool in self.pools if i in pool.members and j in pool.members)

    def union(self, positions: Sequence[int]) -> int:
        """True number of followers of at least one of the accounts."""
        wanted = set(positions)
        return sum(pool.size for pool in self.pools if pool.members & wanted)

    def sample(self, position: int) -> Iterator[str]:
        """The account's follower ids the sampling rule keeps at its level (made up; never real ids)."""
        level = self.levels[position]
        for pool in self.pools:
            if position in pool.members:
                for n in range(pool.size):
                    follower_id = f"{self.seed}-{pool.name}-{n}"
                    if overlap.in_sample(self.platform, follower_id, level):
                        yield follower_id

    def sketch(self, position: int, *, key: bytes) -> overlap.Sketch:
        return overlap.sketch_build(
            platform=self.platform, follower_ids=self.sample(position), level=self.levels[position], key=key
        )


def level_for(followers: int, target: int = SAMPLE_TARGET) -> int:
    """The sampling level that keeps about `target` of this many followers (0 = the full list)."""
    if followers <= target:
        return 0
    return min(overlap.MAX_LEVEL, math.ceil(math.log2(followers / target)))


def planted_world(
    followers: Sequence[int], *, group_size: int = 10, platform: str = "instagram", seed: int = 42
) -> PlantedWorld:
    """Pools for accounts of these follower counts (in groups of `group_size`, positions in order)."""
    world = PlantedWorld(
        followers=list(followers), levels=[level_for(f) for f in followers], platform=platform, seed=seed
    )
    used = [0] * len(followers)
    for start in range(0, len(followers), group_size):
        group = list(range(start, min(start + group_size, len(followers))))
        if len(group) > 1:
            size = int(GROUP_SHARE * min(followers[i] for i in group))
            world.pools.append(Pool(f"g{start}", frozenset(group), size))
            for i in group:
                used[i] += size
        for offset, (i, j) in enumerate(itertools.pairwise(group)):
            size = int(PAIR_SHARES[(start + offset) % len(PAIR_SHARES)] * min(followers[i], followers[j]))
            world.pools.append(Pool(f"p{i}-{j}", frozenset((i, j)), size))
            used[i] += size
            used[j] += size
    for i, count in enumerate(followers):
        if count - used[i] < 0:
            raise ValueError("follower counts too uneven for the planted pools")
        world.pools.append(Pool(f"o{i}", frozenset((i,)), count - used[i]))
    return world


# --- the demo's samples -----------------------------------------------------------------------------

DEMO_SAMPLED_FOLLOWERS = 600_000  # follower ids made up and hashed for the demo, all accounts together
DEMO_MAX_ACCOUNT = 60_000  # larger accounts are left without a sample (they show "no sample")


def seed_follower_samples(*, seed: int, imported_at: dt.datetime) -> int:
    """Planted samples for the Instagram accounts of shortlisted creators, then others; returns rows written.

    Shortlisted creators come first, so a demo shortlist shows its unique reach and largest overlap.
    Runs once: accounts that already have a sample keep it (a second run writes nothing).
    """
    shortlisted = (
        ShortlistEntry.objects.filter(influencer__accounts__platform=Platform.INSTAGRAM)
        .order_by("shortlist_id", "pk")
        .values_list("influencer_id", flat=True)
    )
    order = list(dict.fromkeys(shortlisted))
    accounts = {
        account.influencer_id: account
        for account in SocialAccount.objects.filter(
            platform=Platform.INSTAGRAM,
            influencer__status=ModerationStatus.APPROVED,
            followers__gte=50,
            followers__lte=DEMO_MAX_ACCOUNT,
        ).order_by("influencer_id", "-followers", "pk")
    }
    order += sorted(set(accounts) - set(order))
    chosen: list[SocialAccount] = []
    total = 0
    for influencer_id in order:
        account = accounts.get(influencer_id)
        if account is None or account in chosen or total + account.followers > DEMO_SAMPLED_FOLLOWERS:
            continue
        chosen.append(account)
        total += account.followers
    if not chosen or FollowerSketch.objects.filter(account__in=chosen).exists():
        return 0
    world = planted_world([account.followers for account in chosen], group_size=6, seed=seed)
    key = overlap.hash_key()
    rows = []
    for position, account in enumerate(chosen):
        sketch = world.sketch(position, key=key)
        rows.append(
            FollowerSketch(
                account=account,
                level=sketch.level,
                sample_size=sketch.sample_size,
                followers=account.followers,
                sketch=sketch.to_bytes(),
                imported_at=imported_at,
            )
        )
    return len(FollowerSketch.objects.bulk_create([row for row in rows if row.sample_size > 0]))
