"""One plain-language paragraph per match, built from the same numbers that produced the score.

"62 % of the audience are women 18–34 in NL/BE; ER 6.0 % on Instagram, 2× the micro benchmark;
review offer EUR 350 fits the EUR 400 budget; shares your niches Fashion and Beauty; credibility 92/100,
so the score counts at 91 %; estimated reach in your target about 12,400 (11,408 after the credibility
discount)."  Every component has its phrase; a missing offer reads "price unknown".

The paragraph is built as data first (`explanation_parts`): message ids with their raw numbers and taxonomy
keys, which JSON can store. `render` turns them into text in the active language, so a stored match reads in
Dutch to a Dutch brand although the engine computed it once, in a worker, in the site's language.

Nodes: a str stays as it is; {"m": msgid, "a": {name: node}} is a translated message; {"n": number, "f": format}
a number ("pct0", "pct1", "count", "times", "dec2"; "money" with "c": currency); {"l": kind, "v": value} a
taxonomy label ("platform", "tier", "kind", "niche"); {"j": separator node, "i": [nodes]} nodes joined.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from influencers import formatting
from influencers.models import niche_label
from influencers.taxonomy import AgeBand, Platform, Tier, WorkKind

from .features import PLATFORMS, Features
from .scoring import ENGAGEMENT_PLAUSIBLE_UP_TO, TIERS, Scores, Target

_AGE_ORDER = list(AgeBand.values)

Node = Any  # str | int | dict: see the module docstring


def _(msgid: str, **args: Node) -> dict:
    """A message to translate when rendered (named `_` so makemessages finds the ids)."""
    return {"m": msgid, "a": args} if args else {"m": msgid}


def _number(value: float | Decimal, form: str, currency: str | None = None) -> dict:
    node: dict = {"n": float(value), "f": form}
    if currency is not None:
        node["c"] = currency
    return node


def _joined(separator: Node, items: list[Node]) -> Node:
    return items[0] if len(items) == 1 else {"j": separator, "i": items}


# --- rendering -------------------------------------------------------------------------------------
# Numbers in the active language ("EUR 0.29", "6.0 %", "12,400" in English; "EUR 0,29", "6,0 %", "12.400" in
# Dutch), as the rest of the page. A plain space before "%": these sentences are quoted in docs/metrics.md.


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


def _shown_number(node: dict) -> str:
    value, form = node["n"], node["f"]
    if form == "money":
        return money(node["c"], value)
    if form == "pct0":
        return percent(value)
    if form == "pct1":
        return formatting.percent(value, 1, space=" ")
    if form == "count":
        return formatting.count(value)
    if form == "times":
        return times(value)
    if form == "dec2":
        return formatting.decimal(value, 2, grouping=True)
    raise ValueError(f"unknown number format {form!r}")


def _shown_label(kind: str, value: str) -> str:
    if kind == "platform":
        return str(Platform(value).label)
    if kind == "tier":
        return str(Tier(value).label).lower()
    if kind == "kind":
        return str(WorkKind(value).label).lower() if value in WorkKind.values else value
    if kind == "niche":
        return niche_label(value)
    raise ValueError(f"unknown label kind {kind!r}")


def render_node(node: Node) -> str:
    if isinstance(node, str):
        return node
    if "m" in node:
        text = gettext(node["m"])
        args = node.get("a")
        if not args:
            return text
        # Whole numbers stay numbers for the messages' %(name)d placeholders.
        return text % {name: value if isinstance(value, int) else render_node(value) for name, value in args.items()}
    if "n" in node:
        return _shown_number(node)
    if "l" in node:
        return _shown_label(node["l"], node["v"])
    if "j" in node:
        return render_node(node["j"]).join(render_node(item) for item in node["i"])
    raise ValueError(f"unknown explanation node {node!r}")


def render(parts: list[Node]) -> str:
    """The paragraph in the active language: the phrases joined by "; ", a capital first letter, a full stop."""
    text = "; ".join(render_node(part) for part in parts)
    return text[:1].upper() + text[1:] + "."


# --- the phrases ----------------------------------------------------------------------------------


def age_phrase(bands: tuple[str, ...]) -> Node:
    """Contiguous bands merge: 18–24 + 25–34 reads "18–34"."""
    indexes = sorted(_AGE_ORDER.index(b) for b in bands if b in _AGE_ORDER)
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    labels: list[Node] = []
    for run in runs:
        first, last = AgeBand(_AGE_ORDER[run[0]]).label, AgeBand(_AGE_ORDER[run[-1]]).label
        low, high = first.split("–")[0].rstrip("+"), last.split("–")[-1]
        labels.append(f"{low}+" if high.endswith("+") else f"{low}–{high}")
    return _joined(_(" and "), labels)


def gender_phrase(genders: tuple[str, ...]) -> Node:
    chosen = set(genders)
    if chosen == {"female"}:
        return _("women")
    if chosen == {"male"}:
        return _("men")
    if chosen == {"other"}:
        return _("people of another gender")
    return _("people")


def audience_phrase(target: Target, share: float) -> Node:
    if math.isnan(share):
        return _("no audience data yet, so the audience fit is unknown")
    who = gender_phrase(target.genders)
    if target.age_bands:
        who = {"j": " ", "i": [who, age_phrase(target.age_bands)]}
    if target.countries:
        who = _("%(who)s in %(countries)s", who=who, countries="/".join(target.countries))
    return _("%(share)s of the audience are %(who)s", share=_number(share, "pct0"), who=who)


def engagement_phrase(scores: Scores, k: int) -> Node:
    platform = {"l": "platform", "v": PLATFORMS[scores.platform[k]]}
    er = scores.engagement_rate[k]
    if math.isnan(er):
        return _(
            "engagement rate on %(platform)s unknown (fewer than 3 recent posts with visible counts)",
            platform=platform,
        )
    ratio = er / scores.benchmark[k]
    values = {
        "er": _number(er, "pct1"),
        "platform": platform,
        "ratio": _number(ratio, "times"),
        "tier": {"l": "tier", "v": TIERS[scores.tier[k]]},
    }
    if ratio > ENGAGEMENT_PLAUSIBLE_UP_TO:
        return _(
            "ER %(er)s on %(platform)s, %(ratio)s the %(tier)s benchmark: more than is plausible for its size, "
            "so it counts as a warning sign, not as quality",
            **values,
        )
    return _("ER %(er)s on %(platform)s, %(ratio)s the %(tier)s benchmark", **values)


def price_phrase(target: Target, scores: Scores, k: int) -> Node:
    kind = {"l": "kind", "v": target.kind}
    budget = _number(target.budget_per_creator, "money", target.currency)
    if math.isnan(scores.unit_price[k]):
        return _(
            "price unknown: no active %(kind)s offer in %(currency)s on the rate card, to be agreed",
            kind=kind,
            currency=target.currency,
        )
    offer = _("%(kind)s offer %(price)s", kind=kind, price=_number(scores.unit_price[k], "money", target.currency))
    if target.price_units > 1:
        unit = _("month") if target.kind == WorkKind.AMBASSADORSHIP else _("post")
        offer = _(
            "%(offer)s per %(unit)s × %(units)d = %(cost)s",
            offer=offer,
            unit=unit,
            units=int(target.price_units),
            cost=_number(scores.cost[k], "money", target.currency),
        )
    cost = scores.cost[k]
    if cost <= target.budget_per_creator:
        return _("%(offer)s fits the %(budget)s budget", offer=offer, budget=budget)
    return _(
        "%(offer)s is %(over)s over the %(budget)s budget",
        offer=offer,
        over=_number(cost - float(target.budget_per_creator), "money", target.currency),
        budget=budget,
    )


def niche_phrase(target: Target, features: Features, scores: Scores, k: int) -> Node | None:
    if not target.niche_ids:
        return None

    def names(hits: Any) -> list[Node]:
        return [
            {"l": "niche", "v": features.niche_names[features.niche_ids[column]]}
            for column, hit in zip(scores.niche_columns, hits, strict=True)
            if hit
        ]

    shared, related = names(scores.niche_overlap[k]), names(scores.niche_related[k])
    if not shared and related:
        return _("works in a niche related to your %(niches)s", niches=_joined(_(" and "), related))
    if not shared:
        return _("none of your niches")
    if len(shared) == 1:
        return _("shares your niche %(niche)s", niche=shared[0])
    listed = _("%(first)s and %(last)s", first=_joined(", ", shared[:-1]), last=shared[-1])
    return _("shares your niches %(niches)s", niches=listed)


def credibility_phrase(scores: Scores, k: int) -> Node:
    credibility = scores.credibility[k]
    gate = scores.components["credibility_fit"][k]
    if math.isnan(credibility):
        return _(
            "credibility not yet known (too few recent posts), so the score counts at %(gate)s",
            gate=_number(gate, "pct0"),
        )
    if gate >= 1.0:
        return _("credibility %(score)d/100", score=int(credibility))
    return _(
        "credibility %(score)d/100, so the score counts at %(gate)s", score=int(credibility), gate=_number(gate, "pct0")
    )


def reach_phrase(scores: Scores, k: int) -> Node:
    reach, credible = int(scores.estimated_reach[k]), int(scores.credible_reach[k])
    if credible >= reach:
        return _("estimated reach in your target about %(reach)s", reach=_number(reach, "count"))
    return _(
        "estimated reach in your target about %(reach)s (%(credible)s after the credibility discount)",
        reach=_number(reach, "count"),
        credible=_number(credible, "count"),
    )


def punctuality_phrase(scores: Scores, k: int) -> Node | None:
    """The creator's delivery record when it entered the score (engine._with_punctuality), else nothing."""
    record = scores.extra.get("on_time", {}).get(int(scores.ids[k]))
    if record is None:
        return None
    return _(
        "delivered %(on_time)d of %(sample)d on time in the last %(days)d days",
        on_time=int(record.on_time),
        sample=int(record.sample),
        days=int(record.period_days),
    )


def explanation_parts(target: Target, features: Features, scores: Scores, k: int) -> list[Node]:
    """The phrases of one match as data (JSON): what `Match.explanation_parts` stores."""
    parts = [audience_phrase(target, float(scores.audience_share[k])) if target.has_audience_target else None]
    parts.append(engagement_phrase(scores, k))
    parts.append(price_phrase(target, scores, k))
    parts.append(niche_phrase(target, features, scores, k))
    parts.append(credibility_phrase(scores, k))
    parts.append(reach_phrase(scores, k))
    parts.append(punctuality_phrase(scores, k))
    if not math.isnan(scores.cost_per_engagement[k]):
        cpe = {"j": " ", "i": [target.currency, _number(scores.cost_per_engagement[k], "dec2")]}
        parts.append(_("about %(cpe)s per expected engagement", cpe=cpe))
    return [part for part in parts if part]


def explanation(target: Target, features: Features, scores: Scores, k: int) -> str:
    """The paragraph in the active language."""
    return render(explanation_parts(target, features, scores, k))
