"""One plain-language paragraph per match, built from the same numbers that produced the score.

"62 % of the audience are women 18–34 in NL/BE; ER 6.0 % on Instagram, 2× the micro benchmark;
review offer EUR 350 fits the EUR 400 budget; shares your niches Fashion and Beauty; credibility 92/100,
so the score counts at 91 %; estimated reach in your target about 12,400 (11,408 after the credibility
discount)."  Every component has its phrase; a missing offer reads "price unknown".
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.translation import gettext as _

from influencers import formatting
from influencers.models import niche_label
from influencers.taxonomy import AgeBand, Platform, Tier, WorkKind

from .features import PLATFORMS, Features
from .scoring import ENGAGEMENT_PLAUSIBLE_UP_TO, TIERS, Scores, Target

_AGE_ORDER = list(AgeBand.values)


# Numbers in the active language ("EUR 0.29", "6.0 %", "12,400" in English; "EUR 0,29", "6,0 %", "12.400" in
# Dutch), as the rest of the page: an explanation computed for a request (compare, a creator's opportunities)
# reads in the visitor's language. A plain space before "%": these sentences are quoted in docs/metrics.md.


def money(currency: str, amount: float | Decimal) -> str:
    amount = float(amount)
    if amount == round(amount):
        return f"{currency} {formatting.count(amount)}"
    return f"{currency} {formatting.decimal(amount, 2, grouping=True)}"


def percent(share: float) -> str:
    return formatting.percent(share, 0, space=" ")


def times(ratio: float) -> str:
    whole = round(ratio, 1) == round(ratio)
    return (formatting.count(ratio) if whole else formatting.decimal(ratio, 1)) + "×"


def age_phrase(bands: tuple[str, ...]) -> str:
    """Contiguous bands merge: 18–24 + 25–34 reads "18–34"."""
    indexes = sorted(_AGE_ORDER.index(b) for b in bands if b in _AGE_ORDER)
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    labels = []
    for run in runs:
        first, last = AgeBand(_AGE_ORDER[run[0]]).label, AgeBand(_AGE_ORDER[run[-1]]).label
        low, high = first.split("–")[0].rstrip("+"), last.split("–")[-1]
        labels.append(f"{low}+" if high.endswith("+") else f"{low}–{high}")
    return _(" and ").join(labels)


def gender_phrase(genders: tuple[str, ...]) -> str:
    chosen = set(genders)
    if chosen == {"female"}:
        return _("women")
    if chosen == {"male"}:
        return _("men")
    if chosen == {"other"}:
        return _("people of another gender")
    return _("people")


def audience_phrase(target: Target, share: float) -> str:
    if math.isnan(share):
        return _("no audience data yet, so the audience fit is unknown")
    who = gender_phrase(target.genders)
    if target.age_bands:
        who = f"{who} {age_phrase(target.age_bands)}"
    if target.countries:
        who = _("%(who)s in %(countries)s") % {"who": who, "countries": "/".join(target.countries)}
    return _("%(share)s of the audience are %(who)s") % {"share": percent(share), "who": who}


def engagement_phrase(scores: Scores, k: int) -> str:
    platform = Platform(PLATFORMS[scores.platform[k]]).label
    er = scores.engagement_rate[k]
    if math.isnan(er):
        return _("engagement rate on %(platform)s unknown (fewer than 3 recent posts with visible counts)") % {
            "platform": platform
        }
    tier = Tier(TIERS[scores.tier[k]]).label.lower()
    ratio = er / scores.benchmark[k]
    values = {"er": formatting.percent(er, 1, space=" "), "platform": platform, "ratio": times(ratio), "tier": tier}
    if ratio > ENGAGEMENT_PLAUSIBLE_UP_TO:
        return (
            _(
                "ER %(er)s on %(platform)s, %(ratio)s the %(tier)s benchmark: more than is plausible for its size, "
                "so it counts as a warning sign, not as quality"
            )
            % values
        )
    return _("ER %(er)s on %(platform)s, %(ratio)s the %(tier)s benchmark") % values


def price_phrase(target: Target, scores: Scores, k: int) -> str:
    kind = WorkKind(target.kind).label.lower() if target.kind in WorkKind.values else target.kind
    budget = money(target.currency, target.budget_per_creator)
    if math.isnan(scores.unit_price[k]):
        return _("price unknown: no active %(kind)s offer in %(currency)s on the rate card, to be agreed") % {
            "kind": kind,
            "currency": target.currency,
        }
    offer = _("%(kind)s offer %(price)s") % {"kind": kind, "price": money(target.currency, scores.unit_price[k])}
    if target.price_units > 1:
        unit = _("month") if target.kind == WorkKind.AMBASSADORSHIP else _("post")
        offer = _("%(offer)s per %(unit)s × %(units)d = %(cost)s") % {
            "offer": offer,
            "unit": unit,
            "units": target.price_units,
            "cost": money(target.currency, scores.cost[k]),
        }
    cost = scores.cost[k]
    if cost <= target.budget_per_creator:
        return _("%(offer)s fits the %(budget)s budget") % {"offer": offer, "budget": budget}
    return _("%(offer)s is %(over)s over the %(budget)s budget") % {
        "offer": offer,
        "over": money(target.currency, cost - target.budget_per_creator),
        "budget": budget,
    }


def niche_phrase(target: Target, features: Features, scores: Scores, k: int) -> str | None:
    if not target.niche_ids:
        return None
    shared = [
        niche_label(features.niche_names[features.niche_ids[column]])
        for column, hit in zip(scores.niche_columns, scores.niche_overlap[k], strict=True)
        if hit
    ]
    related = [
        niche_label(features.niche_names[features.niche_ids[column]])
        for column, hit in zip(scores.niche_columns, scores.niche_related[k], strict=True)
        if hit
    ]
    if not shared and related:
        return _("works in a niche related to your %(niches)s") % {"niches": _(" and ").join(related)}
    if not shared:
        return _("none of your niches")
    if len(shared) == 1:
        return _("shares your niche %(niche)s") % {"niche": shared[0]}
    listed = _("%(first)s and %(last)s") % {"first": ", ".join(shared[:-1]), "last": shared[-1]}
    return _("shares your niches %(niches)s") % {"niches": listed}


def credibility_phrase(scores: Scores, k: int) -> str:
    credibility = scores.credibility[k]
    gate = scores.components["credibility_fit"][k]
    if math.isnan(credibility):
        return _("credibility not yet known (too few recent posts), so the score counts at %(gate)s") % {
            "gate": percent(gate)
        }
    if gate >= 1.0:
        return _("credibility %(score)d/100") % {"score": int(credibility)}
    return _("credibility %(score)d/100, so the score counts at %(gate)s") % {
        "score": int(credibility),
        "gate": percent(gate),
    }


def reach_phrase(scores: Scores, k: int) -> str:
    reach, credible = int(scores.estimated_reach[k]), int(scores.credible_reach[k])
    if credible >= reach:
        return _("estimated reach in your target about %(reach)s") % {"reach": formatting.count(reach)}
    return _("estimated reach in your target about %(reach)s (%(credible)s after the credibility discount)") % {
        "reach": formatting.count(reach),
        "credible": formatting.count(credible),
    }


def punctuality_phrase(scores: Scores, k: int) -> str | None:
    """The creator's delivery record when it entered the score (engine._with_punctuality), else nothing."""
    record = scores.extra.get("on_time", {}).get(int(scores.ids[k]))
    if record is None:
        return None
    return _("delivered %(on_time)d of %(sample)d on time in the last %(days)d days") % {
        "on_time": record.on_time,
        "sample": record.sample,
        "days": record.period_days,
    }


def explanation(target: Target, features: Features, scores: Scores, k: int) -> str:
    parts = [audience_phrase(target, float(scores.audience_share[k])) if target.has_audience_target else None]
    parts.append(engagement_phrase(scores, k))
    parts.append(price_phrase(target, scores, k))
    parts.append(niche_phrase(target, features, scores, k))
    parts.append(credibility_phrase(scores, k))
    parts.append(reach_phrase(scores, k))
    parts.append(punctuality_phrase(scores, k))
    if not math.isnan(scores.cost_per_engagement[k]):
        parts.append(
            _("about %(cpe)s per expected engagement")
            % {"cpe": f"{target.currency} {formatting.decimal(float(scores.cost_per_engagement[k]), 2, grouping=True)}"}
        )
    text = "; ".join(part for part in parts if part)
    return text[:1].upper() + text[1:] + "."
