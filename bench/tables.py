"""Rows of every loaded table, built column-wise from a Population for one chunk at a time.

Each builder returns `Rows`: column name -> values (numpy array, 2-D uint8 array of fixed-width text,
or a list of bytes), or (values, null mask). Column types are looked up in the database when the rows
are encoded, so a builder never has to repeat the schema. Columns a builder leaves out get the model
field's default (nullable ones stay NULL; see bench/load.py).
"""

from __future__ import annotations

import json

import numpy as np

from .population import (
    AUDIENCE_BASE_WEIGHTS,
    AUDIENCE_SOURCE_WEIGHTS,
    AUDIENCE_SOURCES,
    BLOG,
    CITIES,
    COUNTRIES,
    COUNTRY_LANGUAGE,
    FILLER,
    FIRST_NAMES,
    FORMATS,
    IG,
    LAST_NAMES,
    NICHE_AGE_TILT,
    NICHE_FEMALE_SHARE,
    NICHE_KEYWORDS,
    NICHES,
    OFFER_DELIVERABLES,
    OFFER_KINDS,
    OFFER_MIN_PRICE,
    OFFER_PRICE_FACTOR,
    OFFER_PROBABILITY,
    OFFER_TITLES,
    OFFER_TURNAROUND,
    PLATFORM_AGES,
    PLATFORM_FORMATS,
    PLATFORM_URLS,
    PLATFORMS,
    POD,
    PRICE_PER_THOUSAND,
    REGIONS,
    STREAM_AUDIENCE,
    STREAM_OFFERS,
    STREAM_POSTS,
    STREAM_SNAPSHOTS,
    TT,
    TW,
    YT,
    Population,
    X,
    handle_part,
    rng_for,
    top_k_distinct,
)

Rows = dict[str, object]
DAY_US = 86_400_000_000
SNAPSHOT_DAYS_DAILY = 91  # day -90 … today
SNAPSHOT_DAYS_MONTHLY = (-60, -30, 0)

_FIRST_ASCII = [handle_part(name) for name in FIRST_NAMES]
_LAST_ASCII = [handle_part(name) for name in LAST_NAMES]
_FORMAT_BYTES = np.array([f.encode() for f in FORMATS], dtype=object)
_FORMAT_INDEX = {f: i for i, f in enumerate(FORMATS)}
_PLATFORM_BYTES = np.array([str(p).encode() for p in PLATFORMS], dtype=object)
_PLATFORM_LABELS = ("Instagram", "TikTok", "YouTube", "X", "Twitch", "Blog", "Podcast")
_COUNTRY_INDEX = {c: i for i, c in enumerate(COUNTRIES)}


def snapshots_per_account(pop: Population) -> np.ndarray:
    return np.where(pop.snapshot_daily, SNAPSHOT_DAYS_DAILY, len(SNAPSHOT_DAYS_MONTHLY))


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal text of non-negative integers as a (n, width) uint8 array."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers) % 10 + 48).astype(np.uint8)


def influencer_rows(pop: Population, start: int, stop: int, anchor: np.datetime64) -> Rows:
    """Influencers with index start..stop-1 (ids start+1..stop)."""
    rng = rng_for(pop.seed, STREAM_AUDIENCE, start)  # bios only; distinct from the audience chunks below
    idx = np.arange(start, stop)
    m = len(idx)
    order = pop.niche_order[start:stop]
    count = pop.niche_count[start:stop]
    keyword_pick = np.argsort(rng.random((m, 7)), axis=1)[:, :3]
    primary_words = rng.integers(2, 4, m)
    other_words = rng.integers(0, 7, (m, 2))
    filler_a = rng.integers(0, len(FILLER), m)
    filler_b = (filler_a + rng.integers(1, len(FILLER), m)) % len(FILLER)
    city_pick = rng.integers(0, 1000, m)
    second_language = rng.random(m) < 0.6
    handles, names, bios, cities, languages = [], [], [], [], []
    for k in range(m):
        i = start + k
        country = str(pop.country[i])
        niches = [str(NICHES[order[k, j]]) for j in range(count[k])]
        words = [NICHE_KEYWORDS[niches[0]][w] for w in keyword_pick[k, : primary_words[k]]]
        words += [NICHE_KEYWORDS[other][other_words[k, j]] for j, other in enumerate(niches[1:])]
        options = CITIES.get(country, ())
        city = options[city_pick[k] % len(options)] if options else ""
        place = city or country
        closing = f"{FILLER[filler_a[k]].capitalize()}, {FILLER[filler_b[k]]}."
        bio = f"{niches[0].capitalize()} creator from {place}: {', '.join(words)}. {closing}"
        first, last = pop.first_name[i], pop.last_name[i]
        handles.append(f"{_FIRST_ASCII[first]}.{_LAST_ASCII[last]}{i + 1}".encode())
        names.append(f"{FIRST_NAMES[first]} {LAST_NAMES[last]}".encode())
        bios.append(bio.encode())
        cities.append(city.encode())
        language = COUNTRY_LANGUAGE.get(country, "en")
        codes = [language, "en"] if second_language[k] and language != "en" else [language]
        languages.append(json.dumps(codes).encode())
    created = anchor - (pop.created_days_ago[start:stop] * DAY_US).astype("timedelta64[us]")
    moderated = created + np.timedelta64(DAY_US, "us")
    return {
        "id": idx + 1,
        "handle": handles,
        "display_name": names,
        "bio": bios,
        "country": [c.encode() for c in pop.country[start:stop]],
        "city": cities,
        "languages": languages,
        "is_active": pop.is_active[start:stop],
        "status": [s.encode() for s in pop.status[start:stop]],
        "moderated_at": (moderated, pop.status[start:stop] == "pending"),
        "created_at": created,
        "updated_at": np.full(m, anchor),
    }


def influencer_niche_rows(pop: Population, niche_ids: dict[str, int]) -> Rows:
    influencer = np.repeat(np.arange(pop.n), pop.niche_count)
    slot = np.arange(len(influencer)) - np.repeat(np.cumsum(pop.niche_count) - pop.niche_count, pop.niche_count)
    id_of_niche = np.array([niche_ids[str(slug)] for slug in NICHES], dtype=np.int64)
    return {
        "id": np.arange(1, len(influencer) + 1),
        "influencer_id": influencer + 1,
        "niche_id": id_of_niche[pop.niche_order[influencer, slot]],
    }


def account_rows(pop: Population, start: int, stop: int, anchor: np.datetime64) -> Rows:
    influencer = pop.account_influencer[start:stop]
    platform = pop.account_platform[start:stop]
    handles, urls = [], []
    for i, p in zip(influencer.tolist(), platform.tolist(), strict=True):
        handle = f"{_FIRST_ASCII[pop.first_name[i]]}.{_LAST_ASCII[pop.last_name[i]]}{i + 1}"
        handles.append(handle.encode())
        urls.append(PLATFORM_URLS[p].format(handle.replace(".", "-") if p == BLOG else handle).encode())
    created = anchor - (pop.created_days_ago[influencer] * DAY_US).astype("timedelta64[us]")
    return {
        "id": np.arange(start + 1, stop + 1),
        "influencer_id": influencer + 1,
        "platform": _PLATFORM_BYTES[platform].tolist(),
        "handle": handles,
        "url": urls,
        "followers": pop.account_followers[start:stop],
        "created_at": created,
        "posts_changed_at": np.full(stop - start, anchor),
    }


def post_rows(pop: Population, start: int, stop: int, chunk: int, anchor: np.datetime64) -> Rows:
    """Posts of accounts start..stop-1; ids continue the global post sequence."""
    rng = rng_for(pop.seed, STREAM_POSTS, chunk)
    counts = pop.account_posts[start:stop]
    total = int(counts.sum())
    n_acc = stop - start
    account = np.repeat(np.arange(start, stop), counts)
    first = np.cumsum(counts) - counts
    rank = np.arange(total) - np.repeat(first, counts)
    platform = pop.account_platform[account]
    followers = pop.account_followers[account].astype(np.float64)

    # Newest post a few days ago (dormant accounts: half a year or more), older ones at the
    # account's own cadence.
    last_age = np.where(pop.account_dormant[start:stop], rng.uniform(190, 500, n_acc), rng.exponential(4.0, n_acc))
    cadence = np.exp(rng.normal(np.log(5.0), 0.5, n_acc))
    gaps = rng.exponential(1.0, total) * np.repeat(cadence, counts)
    gaps[rank == 0] = 0.0
    cumulative = np.cumsum(gaps)
    age_days = np.repeat(last_age, counts) + cumulative - np.repeat(cumulative[first[counts > 0]], counts[counts > 0])
    posted_at = anchor - (age_days * DAY_US).astype("timedelta64[us]")

    fmt = np.zeros(total, dtype=np.int64)
    for p, (formats, weights) in PLATFORM_FORMATS.items():
        mask = platform == p
        picks = rng.choice(len(formats), size=int(mask.sum()), p=np.array(weights))
        fmt[mask] = np.array([_FORMAT_INDEX[f] for f in formats])[picks]

    engagement = followers * pop.account_er[account] * np.exp(rng.normal(0.0, 0.35, total))
    share_part = np.select([platform == TT, platform == X], [0.08, 0.15], 0.0)
    shares = engagement * share_part
    ratio = pop.account_comment_ratio[account]
    likes = (engagement - shares) / (1.0 + ratio)
    comments = likes * ratio
    reel = fmt == _FORMAT_INDEX["reel"]
    view_median = np.select(
        [platform == TT, platform == YT, platform == TW, reel, platform == BLOG, platform == POD],
        [0.8, 0.15, 0.05, 0.35, 0.3, 0.25],
        0.0,
    )
    views = followers * view_median * np.exp(rng.normal(0.0, 0.6, total))
    saves = likes * 0.04 * np.exp(rng.normal(0.0, 0.3, total))
    hidden = rng.random(total)
    likes_null = ((platform == IG) & (hidden < 0.03)) | ((platform == YT) & (hidden < 0.02))
    sponsored = rng.random(total) < 0.06
    discloses = np.where(pop.account_discloses[account], rng.random(total) < 0.97, rng.random(total) < 0.1)
    ids = pop.account_post_offset[start] + 1 + np.arange(total, dtype=np.int64)
    return {
        "id": ids,
        "account_id": account + 1,
        "external_id": digits(ids, 12),
        "posted_at": posted_at,
        "format": _FORMAT_BYTES[fmt].tolist(),
        "likes": (np.rint(likes).astype(np.int64), likes_null),
        "comments": np.rint(comments).astype(np.int64),
        "shares": (np.rint(shares).astype(np.int64), share_part == 0.0),
        "views": (np.rint(views).astype(np.int64), view_median == 0.0),
        "saves": (np.rint(saves).astype(np.int64), platform != IG),
        "is_sponsored": sponsored,
        "has_ad_disclosure": sponsored & discloses,
        "updated_at": np.full(total, anchor),
    }


def snapshot_rows(pop: Population, start: int, stop: int, chunk: int, anchor: np.datetime64, offset: int) -> Rows:
    """Follower history: 91 daily snapshots for the sampled accounts, 3 monthly ones for the rest.

    10 % of the daily-sampled accounts get one follower spike (+20–150 % in a day) so the
    credibility engine has spikes to find and explain.
    """
    rng = rng_for(pop.seed, STREAM_SNAPSHOTS, chunk)
    daily = pop.snapshot_daily[start:stop]
    per = np.where(daily, SNAPSHOT_DAYS_DAILY, len(SNAPSHOT_DAYS_MONTHLY))
    total = int(per.sum())
    account = np.repeat(np.arange(start, stop), per)
    first = np.cumsum(per) - per
    k = np.arange(total) - np.repeat(first, per)
    day = np.where(
        daily[account - start], k - (SNAPSHOT_DAYS_DAILY - 1), np.array(SNAPSHOT_DAYS_MONTHLY)[np.minimum(k, 2)]
    )
    growth = pop.account_monthly_growth[account]
    noise = np.where(day == 0, 0.0, rng.normal(0.0, 0.002, total))
    followers = pop.account_followers[account] * (1.0 + growth) ** (day / 30.0) * (1.0 + noise)
    spiking = daily & (rng.random(stop - start) < 0.1)
    spike_day = rng.integers(-80, -5, stop - start)
    spike_size = rng.uniform(0.2, 1.5, stop - start)
    before_spike = spiking[account - start] & (day < spike_day[account - start])
    followers[before_spike] /= 1.0 + spike_size[account - start][before_spike]
    today = anchor.astype("datetime64[D]")
    return {
        "id": offset + 1 + np.arange(total, dtype=np.int64),
        "account_id": account + 1,
        "date": today + day.astype("timedelta64[D]"),
        "followers": np.maximum(np.rint(followers), 0).astype(np.int64),
    }


AGE_COLUMNS = ("age_13_17", "age_18_24", "age_25_34", "age_35_44", "age_45_54", "age_55_plus")
GENDER_COLUMNS = ("gender_female", "gender_male", "gender_other")


def _country_log_weights() -> np.ndarray:
    """log weight[home country, audience country]: big markets and the home region are likelier."""
    base = np.array([AUDIENCE_BASE_WEIGHTS.get(c, 0.3) for c in COUNTRIES])
    region_of = {c: r for r, members in REGIONS.items() for c in members}
    same = np.array([[region_of.get(a) == region_of.get(b) for b in COUNTRIES] for a in COUNTRIES])
    weights = base[None, :] * (1.0 + 4.0 * same)
    np.fill_diagonal(weights, 1e-12)  # the home country is placed first separately
    return np.log(weights)


COUNTRY_LOG_WEIGHTS = _country_log_weights()


def _age_shares(rng: np.random.Generator, pop: Population, idx: np.ndarray) -> np.ndarray:
    """The model's age mix of the main platform, tilted by the first niche, with gamma noise per band."""
    platform = pop.account_platform[np.searchsorted(pop.account_influencer, idx)]
    raw = PLATFORM_AGES[platform] * NICHE_AGE_TILT[pop.niche_order[idx, 0]] * rng.gamma(12.0, size=(len(idx), 6))
    return np.round(raw / raw.sum(axis=1, keepdims=True), 4)


def _gender_shares(rng: np.random.Generator, pop: Population, idx: np.ndarray) -> np.ndarray:
    """Female share: the mean of the model's share over the influencer's niches, plus noise; a few % other."""
    slots = np.arange(pop.niche_order.shape[1])[None, :] < pop.niche_count[idx][:, None]
    female = (NICHE_FEMALE_SHARE[pop.niche_order[idx]] * slots).sum(axis=1) / pop.niche_count[idx]
    female = np.clip(female + rng.normal(0.0, 0.06, len(idx)), 0.05, 0.95)
    other = rng.uniform(0.005, 0.03, len(idx))
    return np.round(np.stack([female, 1.0 - female - other, other], axis=1), 4)


def audience_rows(pop: Population, start: int, stop: int, chunk: int, anchor: np.datetime64) -> tuple[Rows, Rows]:
    """Audiences (90 % of influencers have one) and their 2–5 top countries, for influencers start..stop-1."""
    rng = rng_for(pop.seed, STREAM_AUDIENCE, 10_000 + chunk)
    m = stop - start
    has = rng.random(m) < 0.9
    idx = np.arange(start, stop)[has]
    n = len(idx)
    ages = _age_shares(rng, pop, idx)
    genders = _gender_shares(rng, pop, idx)
    home_share = rng.uniform(0.35, 0.85, n)
    first_share = rng.uniform(0.55, 0.9, n)
    languages = []
    for k, i in enumerate(idx.tolist()):
        language = COUNTRY_LANGUAGE.get(str(pop.country[i]), "en")
        if language == "en":
            languages.append(b'{"en": 1.0}')
        else:
            share = round(float(first_share[k]), 2)
            languages.append(json.dumps({language: share, "en": round(1.0 - share, 2)}).encode())
    audience: Rows = {
        "id": idx + 1,
        "influencer_id": idx + 1,
        **{column: ages[:, j] for j, column in enumerate(AGE_COLUMNS)},
        **{column: genders[:, j] for j, column in enumerate(GENDER_COLUMNS)},
        "language_shares": languages,
        "source": [s.encode() for s in AUDIENCE_SOURCES[rng.choice(4, n, p=AUDIENCE_SOURCE_WEIGHTS)]],
        "as_of": anchor.astype("datetime64[D]") - rng.integers(0, 120, n).astype("timedelta64[D]"),
        "updated_at": np.full(n, anchor),
    }

    home = np.array([_COUNTRY_INDEX[str(c)] for c in pop.country[idx]])
    k_countries = rng.choice([2, 3, 4, 5], size=n, p=[0.25, 0.3, 0.25, 0.2])
    others = top_k_distinct(rng, COUNTRY_LOG_WEIGHTS[home])[:, :4]
    rest = rng.gamma(np.ones((n, 4))) * (np.arange(4)[None, :] < (k_countries - 1)[:, None])
    rest = rest / rest.sum(axis=1, keepdims=True) * ((1.0 - home_share) * rng.uniform(0.5, 0.95, n))[:, None]
    country = np.concatenate([home[:, None], others], axis=1)
    share = np.round(np.concatenate([home_share[:, None], rest], axis=1), 4)
    keep = np.arange(5)[None, :] < k_countries[:, None]
    audience_of_row = np.repeat(idx + 1, k_countries)
    countries: Rows = {
        "audience_id": audience_of_row,
        "country": [COUNTRIES[c].encode() for c in country[keep]],
        "share": share[keep],
    }
    return audience, countries


def offer_rows(pop: Population, start: int, stop: int, chunk: int, anchor: np.datetime64) -> Rows:
    """Rate cards: 85 % of influencers have one, with offers of each kind at its own likelihood."""
    rng = rng_for(pop.seed, STREAM_OFFERS, chunk)
    m = stop - start
    has_card = rng.random(m) < 0.85
    present = has_card[:, None] & (rng.random((m, 4)) < OFFER_PROBABILITY[None, :])
    local, kind = np.nonzero(present)
    influencer = start + local
    primary = np.searchsorted(pop.account_influencer, influencer)
    platform = pop.account_platform[primary]
    followers = pop.account_followers[primary]
    # The model's price per 1,000 followers of the platform and kind, with a per-creator spread.
    cpm = PRICE_PER_THOUSAND[platform] * np.exp(rng.normal(0.0, 0.5, m))[local]
    price = followers / 1000.0 * cpm * OFFER_PRICE_FACTOR[kind] * np.exp(rng.normal(0, 0.2, len(kind)))
    price = np.maximum(price, OFFER_MIN_PRICE[kind])
    price_cents = np.minimum(np.rint(price / 5.0) * 500, 1_000_000_000).astype(np.int64)
    country = pop.country[influencer]
    currency = np.where(country == "US", b"USD", np.where(country == "GB", b"GBP", b"EUR"))
    titles = [
        OFFER_TITLES[k].format(platform=_PLATFORM_LABELS[p]).encode()
        for p, k in zip(platform.tolist(), kind.tolist(), strict=True)
    ]
    return {
        "influencer_id": influencer + 1,
        "kind": [OFFER_KINDS[k].encode() for k in kind],
        "platform": _PLATFORM_BYTES[platform].tolist(),
        "title": titles,
        "deliverables": [OFFER_DELIVERABLES[k].encode() for k in kind],
        "price": price_cents,
        "currency": currency.tolist(),
        "turnaround_days": rng.integers(OFFER_TURNAROUND[kind, 0], OFFER_TURNAROUND[kind, 1] + 1),
        "is_active": rng.random(len(kind)) < 0.92,
        "created_at": np.full(len(kind), anchor),
        "updated_at": np.full(len(kind), anchor),
    }
