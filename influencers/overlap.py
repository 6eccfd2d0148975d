"""Audience overlap and unique reach from follower samples (docs/metrics.md, "Audience overlap").

Pure functions, no Django requests and no queries: the importer builds a sketch from an account's
follower sample (influencers/importers), the selector (influencers/overlap_selectors.py) loads the
sketches of a set of creators in one query and calls the estimators here.

The sample. A follower id is in an account's sample at level L (rate 2^-L) when the first L bits of
SHA-256("<platform>:<id>") are zero: the *public sampling rule* (docs/import.md). Level 0 is the full
follower list. Because every account samples by the same rule, the samples are coordinated: a
follower of two accounts sampled at the same level is in both samples or in neither. The importer
refuses ids that break the rule, so the estimates below can rely on it.

The sketch. Each sampled id is hashed again with a secret key (keyed BLAKE2b, settings.FOLLOWER_HASH_KEY)
and only a MinHash (datasketch, K permutations, 32-bit values) of those keyed hashes is stored, for the
account's own level and every deeper level (the sample thinned by the same rule), so a set of creators
sampled at different rates is compared at the deepest level among them. Raw ids are never stored.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

K = 512  # MinHash permutations: 2 KB per level, Jaccard standard error sqrt(J(1-J)/512)
MAX_LEVEL = 16  # rate 1/65,536: an account of 65M followers still gives a sample of ~1,000
SEED = 1  # the permutations; the secrecy is in the keyed hash, not here
EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's value of a slot no id reached
Z = 3.0  # the stated bound is this many standard errors (~99.7 % under a normal approximation)
SKETCH_VERSION = 1
BATCH = 20_000  # ids per MinHash batch: the batch is a (BATCH x K) matrix of uint32
_HEADER = np.dtype([("version", "<u1"), ("level", "<u1"), ("levels", "<u1"), ("k", "<u2")])


def rate_of(level: int) -> float:
    return 2.0**-level


def level_of_rate(rate: float) -> int | None:
    """The level of a rate 1, 1/2, 1/4 … 1/65,536, or None for any other rate."""
    if not (rate > 0) or rate > 1:
        return None
    level = round(-math.log2(rate))
    return level if 0 <= level <= MAX_LEVEL and math.isclose(rate_of(level), rate, rel_tol=1e-9) else None


def sampling_hash(platform: str, follower_id: str) -> int:
    """The public sampling hash: the first 64 bits of SHA-256("<platform>:<id>")."""
    digest = hashlib.sha256(f"{platform}:{follower_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def level_of_hash(value: int) -> int:
    """The deepest level whose sample holds an id with this sampling hash (its leading zero bits)."""
    return min(64 - value.bit_length(), MAX_LEVEL)


def in_sample(platform: str, follower_id: str, level: int) -> bool:
    return level_of_hash(sampling_hash(platform, follower_id)) >= level


def hash_key() -> bytes:
    """The secret key of the follower hash (settings.FOLLOWER_HASH_KEY)."""
    from django.conf import settings

    return hashlib.sha256(f"invloed-follower-hash:{settings.FOLLOWER_HASH_KEY}".encode()).digest()[:32]


def _keyed(key: bytes):
    def hashfunc(value: bytes) -> int:
        return int.from_bytes(hashlib.blake2b(value, key=key, digest_size=4).digest(), "little")

    return hashfunc


@dataclass(frozen=True)
class Sketch:
    """An account's stored sketch: MinHash values and the sample size at each level from `level` on."""

    level: int
    sizes: np.ndarray  # uint32, one per level level..MAX_LEVEL
    values: np.ndarray  # uint32, (levels, K)

    @property
    def sample_size(self) -> int:
        return int(self.sizes[0])

    def at(self, level: int) -> tuple[int, np.ndarray]:
        """Sample size and MinHash at a level at or below this sketch's own."""
        return int(self.sizes[level - self.level]), self.values[level - self.level]

    def to_bytes(self) -> bytes:
        header = np.array([(SKETCH_VERSION, self.level, len(self.sizes), K)], dtype=_HEADER)
        return header.tobytes() + self.sizes.astype("<u4").tobytes() + self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketch:
        header = np.frombuffer(data, dtype=_HEADER, count=1)[0]
        if int(header["version"]) != SKETCH_VERSION or int(header["k"]) != K:
            raise ValueError("unknown sketch format")
        levels = int(header["levels"])
        start = _HEADER.itemsize
        sizes = np.frombuffer(data, dtype="<u4", count=levels, offset=start)
        values = np.frombuffer(data, dtype="<u4", count=levels * K, offset=start + 4 * levels).reshape(levels, K)
        return cls(level=int(header["level"]), sizes=sizes, values=values)


def sketch_build(*, platform: str, follower_ids: Iterable[str], level: int, key: bytes) -> Sketch:
    """The sketch of a sample (ids already checked against the sampling rule at `level`).

    Each id goes into the MinHash of every level its sampling hash reaches, from `level` down to
    MAX_LEVEL. Ids are hashed and dropped at once: nothing here keeps them.
    """
    levels = MAX_LEVEL - level + 1
    hashfunc = _keyed(key)
    minhashes = [MinHash(num_perm=K, seed=SEED, hashfunc=hashfunc) for _ in range(levels)]
    sizes = np.zeros(levels, dtype=np.uint32)
    batches: list[list[bytes]] = [[] for _ in range(levels)]
    for follower_id in follower_ids:
        deepest = level_of_hash(sampling_hash(platform, follower_id))
        encoded = f"{platform}:{follower_id}".encode()
        for index in range(deepest - level + 1):
            batches[index].append(encoded)
        if len(batches[0]) >= BATCH:
            _flush(minhashes, batches, sizes)
    _flush(minhashes, batches, sizes)
    values = np.stack([minhash.hashvalues.astype(np.uint32) for minhash in minhashes])
    return Sketch(level=level, sizes=sizes, values=values)


def _flush(minhashes: list[MinHash], batches: list[list[bytes]], sizes: np.ndarray) -> None:
    for index, batch in enumerate(batches):
        if batch:
            minhashes[index].update_batch(batch)
            sizes[index] += len(batch)
            batch.clear()


# --- estimates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A number with its stated bound: the truth lies in value ± bound (Z standard errors)."""

    value: float
    bound: float

    @property
    def low(self) -> float:
        return max(0.0, self.value - self.bound)

    @property
    def high(self) -> float:
        return self.value + self.bound


@dataclass(frozen=True)
class Member:
    """One creator's sampled account as the estimators see it."""

    followers: int  # the account's followers when the sample was imported
    sketch: Sketch


def _wilson(successes: int, trials: int, z: float = Z) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion: honest also at 0 and near 0 successes."""
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def shared_audience(a: Member, b: Member) -> tuple[Estimate, Estimate]:
    """Shared followers |A∩B| and the shared share |A∩B| / min(|A|, |B|) (docs/metrics.md).

    Both samples are read at the deeper level of the two (rate r): there the samples are A∩H and B∩H
    for one set H of ids, so |S_A∩S_B| = |A∩B∩H|, and |A∩B| ≈ |S_A∩S_B| / r. |S_A∩S_B| comes from the
    MinHash Jaccard J of the samples (equal slots out of K): J/(1+J)·(|S_A|+|S_B|). The bound combines
    the sketch's (the Wilson interval of J at Z, put through the same formula) and the sample's
    (binomial: Z·sqrt(|A∩B|·(1-r)/r), taken at the interval's upper end), as independent errors.
    """
    level = max(a.sketch.level, b.sketch.level)
    rate = rate_of(level)
    size_a, values_a = a.sketch.at(level)
    size_b, values_b = b.sketch.at(level)
    smaller = max(1, min(a.followers, b.followers))
    total = size_a + size_b
    equal = 0 if size_a == 0 or size_b == 0 else int(np.count_nonzero(values_a == values_b))
    cap = min(size_a, size_b)

    def shared_of(jaccard: float) -> float:
        return min(jaccard / (1 + jaccard) * total, cap) / rate

    shared = shared_of(equal / K)
    low_j, high_j = _wilson(equal, K)
    sketch_low, sketch_high = shared - shared_of(low_j), shared_of(high_j) - shared
    # At least one shared id could hide below the sample's resolution (1 / r followers).
    sampling = Z * math.sqrt(max(shared + sketch_high, 1 / rate) * (1 - rate) / rate)
    bound = max(math.hypot(sketch_low, sampling), math.hypot(sketch_high, sampling))
    return Estimate(shared, bound), Estimate(min(1.0, shared / smaller), bound / smaller)


def shared_matrix(members: Sequence[Member]) -> list[list[tuple[Estimate, Estimate] | None]]:
    """shared_audience for every pair (upper triangle; None on and below the diagonal)."""
    n = len(members)
    return [[shared_audience(members[i], members[j]) if j > i else None for j in range(n)] for i in range(n)]


def unique_reach(members: Sequence[Member]) -> Estimate:
    """Followers of at least one of the members: |A_1 ∪ … ∪ A_n| (docs/metrics.md).

    All samples are read at the deepest level among them (rate r), where they are A_i∩H for one H.
    Each MinHash slot of the merged sketch is the id with the smallest value in the union of the
    samples, a uniform draw from it; the number of samples holding it (its multiplicity m, seen as
    equal slot values) gives |∪S| = Σ|S_i| / mean(m), and |∪A| ≈ |∪S| / r. The variance adds the
    sketch's (delta method on mean(m) over K draws) and the sample's (binomial).
    """
    if not members:
        return Estimate(0.0, 0.0)
    level = max(member.sketch.level for member in members)
    rate = rate_of(level)
    sizes = np.empty(len(members), dtype=np.float64)
    values = np.empty((len(members), K), dtype=np.uint32)
    for index, member in enumerate(members):
        size, row = member.sketch.at(level)
        sizes[index] = size
        values[index] = row
    total = float(sizes.sum())
    followers = np.array([member.followers for member in members], dtype=np.float64)
    if total == 0:
        # No sampled id at this level: nothing seen, the sample's own uncertainty only.
        sd = math.sqrt(len(members) * (1 - rate) / rate)
        return Estimate(float(followers.max()), Z * sd)
    merged = values.min(axis=0)
    seen = merged != EMPTY
    multiplicity = (values == merged).sum(axis=0)[seen].astype(np.float64)
    draws = len(multiplicity)
    mean = float(multiplicity.mean())
    in_samples = min(max(total / mean, float(sizes.max())), total)
    reach = in_samples / rate
    variance = max(float(multiplicity.var(ddof=1)) if draws > 1 else 0.0, 1 / K)
    sketch_sd = reach * math.sqrt(variance / draws) / mean
    sampling_var = reach * (1 - rate) / rate
    sd = math.sqrt(sketch_sd**2 + sampling_var)
    return Estimate(reach, Z * sd)
