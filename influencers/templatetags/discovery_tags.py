"""The creator cards and the table rows of the discovery page, rendered in Python.

{% load discovery_tags %}
{% creator_cards page.results %}   -> one <li><article class="creator-card">…</article></li> per creator
{% result_rows page.results %}     -> one <tr> per creator for influencers/_results_table.html

A results page shows 24 cards with ~15 template tags, 10 linked numbers and a shortlist form each; through
the template engine that was ~1.5 ms of CPU per card, the largest part of the page (docs/benchmarks.md).
Here everything that is the same on every card — the metric links and their hover texts, the translated
labels, the shortlist form — is built once per page, and each card is one string join of escaped values.
The shortlist form is still `brands/shortlist_add_form.html`: rendered once per page with placeholder
values, then stamped with each creator's handle and id, so the form keeps one definition.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from html import escape

from django import template
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from influencers.definitions import REPUTATION_PERIOD_DAYS
from influencers.models import Influencer, SocialAccount

from .metric_tags import _current, avatar_html, freshness, metric_label, money, number, pct, signed_pct

DASH = "—"  # an unknown value in the table: "— means not known yet … never zero"

register = template.Library()

# Placeholders for the once-rendered shortlist form. They are passed as safe strings, so they reach the HTML
# as they are, while any user text (a shortlist's name) containing them would have its "<" escaped.
_HANDLE = mark_safe("<card-handle/>")
_PK = mark_safe("<card-pk/>")


class _Page:
    """Everything the cards of one page share, computed once."""

    def __init__(self, context: template.Context) -> None:
        self.metric_open = {}
        for key in (
            "followers",
            "engagement_rate",
            "tier_benchmark",
            "credibility",
            "growth",
            "price",
            "delivers_on_time",
            "audience",
        ):
            _href, label, short = _current(key)
            # The value is a number with its definition on hover; the label beside it is the link to it.
            self.metric_open[key] = f'<span class="metric" title="{label}: {short}">'
        self.labels = {
            "followers": metric_label("followers"),
            "engagement_rate": metric_label("engagement_rate", _("ER")),
            "credibility": metric_label("credibility"),
            "growth": metric_label("growth", _("30 d")),
            "price": metric_label("price", _("From")),
            "delivers_on_time": metric_label("delivers_on_time", _("On time")),
        }
        tier_href, tier_label, tier_short = _current("tier")
        self.tier_attrs = f'href="{tier_href}" title="{tier_label}: {tier_short}"'
        self.unknown = escape(_("unknown"))
        self.no_offer = escape(_("no offer"))
        self.not_enough_history = escape(_("not enough history"))
        self.punctuality_updated = _("on-time score updated")
        self.versus = escape(_("vs"))
        self.niches_label = escape(_("Niches"))
        self.compare = escape(_("Compare"))
        self.shortlist_form = self._shortlist_form(context)
        self.language = get_language()
        # The audience filters in force (influencers/discovery_details.py): a share per creator on each card.
        self.audience_labels = [
            metric_label("audience", column.heading) for column in context.get("audience_columns") or ()
        ]
        self.platforms_label = escape(_("Platforms"))
        self._freshness: dict[tuple[dt.datetime | None, str], str] = {}

    def freshness(self, when: dt.datetime | None, label: str = "") -> str:
        """`freshness` once per timestamp on the page: the engine stamps a whole run's creators alike."""
        key = (when, label)
        shown = self._freshness.get(key)
        if shown is None:
            shown = self._freshness[key] = freshness(when, label)
        return shown

    def display(self, influencer: models.Model, field: str) -> str:
        """The escaped label of a choice field (what get_FOO_display() gives, without its per-call cost)."""
        value = getattr(influencer, field)
        return _choice_labels(type(influencer), field, self.language).get(value, escape(str(value)))

    @staticmethod
    def _shortlist_form(context: template.Context) -> str:
        if not context.get("brand"):
            return ""
        placeholder = {"handle": _HANDLE, "pk": _PK}
        return render_to_string(
            "brands/shortlist_add_form.html",
            {"influencer": placeholder, "shortlists": context.get("shortlists", []), "compact": True},
            request=context.get("request"),
        )

    def metric(self, key: str, value: str | None, unknown: str | None = None) -> str:
        shown = escape(str(value)) if value not in (None, "") else (unknown or self.unknown)
        return f"{self.metric_open[key]}{shown}</span>"


@functools.lru_cache(maxsize=32)
def _choice_labels(model: type[models.Model], field: str, language: str | None) -> dict[str, str]:
    """Value -> escaped label of a model field's choices in one language.

    get_FOO_display() hashes every lazy label of the field on each call: ~0.5 ms for the country list.
    """
    model_field = model._meta.get_field(field)
    if not isinstance(model_field, models.Field):  # a reverse relation has no choices
        raise TypeError(f"{model.__name__}.{field} is not a choice field")
    return {value: escape(str(label)) for value, label in model_field.flatchoices}


def _card(influencer, page: _Page) -> str:
    pk = str(influencer.pk)
    handle = escape(influencer.handle)
    name = escape(influencer.display_name)
    avatar = avatar_html(
        name=influencer.display_name,
        handle=influencer.handle,
        url=influencer.avatar.url if influencer.avatar else None,
    )
    country = f" · {page.display(influencer, 'country')}" if influencer.country else ""
    tier = ""
    if influencer.tier:
        tier = f'<a class="badge {escape(influencer.tier)}" {page.tier_attrs}>{page.display(influencer, "tier")}</a>'
    niches = [escape(niche.label) for niche in influencer.niches.all()]
    niche_list = (
        f'<ul class="tags" aria-label="{page.niches_label}">{"".join(f"<li>{n}</li>" for n in niches)}</ul>'
        if niches
        else ""
    )
    benchmark = ""
    if influencer.er_benchmark is not None:
        benchmark = (
            f' <span class="muted small">{page.versus} '
            f"{page.metric('tier_benchmark', pct(influencer.er_benchmark))}</span>"
        )
    price = money(influencer.cheapest_offer_price, influencer.cheapest_offer_currency)
    rows = (
        ("followers", page.metric("followers", number(influencer.total_followers))),
        ("engagement_rate", page.metric("engagement_rate", pct(influencer.engagement_rate)) + benchmark),
        ("credibility", page.metric("credibility", influencer.credibility_score)),
        ("growth", page.metric("growth", signed_pct(influencer.follower_growth_30d))),
        ("price", page.metric("price", price, page.no_offer)),
        ("delivers_on_time", _punctuality(influencer, page)),
    )
    stats = "".join(f"<div><dt>{page.labels[key]}</dt><dd>{value}</dd></div>" for key, value in rows)
    shares = getattr(influencer, "audience_shares", ())
    stats += "".join(
        f'<div class="audience-share"><dt>{label}</dt><dd>{page.metric("audience", pct(share, 0))}</dd></div>'
        for label, share in zip(page.audience_labels, shares, strict=False)
    )
    accounts = getattr(influencer, "card_accounts", ())
    platforms = (
        f'<ul class="platforms small" aria-label="{page.platforms_label}">'
        + "".join(
            f'<li class="platform-{escape(account.platform)}">{page.display(account, "platform")} '
            f"{number(account.followers)}</li>"
            for account in accounts
        )
        + "</ul>"
        if accounts
        else ""
    )
    profile_url = escape(reverse("influencers:profile", args=[influencer.handle]))
    shortlist = page.shortlist_form.replace(_HANDLE, handle).replace(_PK, pk)
    updated = page.freshness(influencer.metrics_updated_at)
    return (
        f'<article class="card creator-card" aria-labelledby="card-{pk}">'
        f'<header class="creator-head">{avatar}<div class="creator-name">'
        f'<h3 id="card-{pk}"><a href="{profile_url}">{name}</a></h3>'
        f'<p class="muted small">@{handle}{country}</p></div>{tier}</header>'
        f'{platforms}{niche_list}<dl class="stats">{stats}</dl>'
        f'<p class="small">{updated}{_punctuality_freshness(influencer, page)}</p>'
        f'<footer class="card-actions"><label class="compare-pick">'
        f'<input type="checkbox" name="h" value="{handle}" form="compare-form"> {page.compare}'
        f'<span class="visually-hidden"> @{handle}</span></label>{shortlist}</footer></article>'
    )


def _punctuality(influencer, page: _Page) -> str:
    """The stored delivers-on-time percent with its sample and period ("89 % 8 of 9, 365 d")."""
    percent = influencer.delivery_on_time_percent
    if percent is None:
        return page.metric("delivers_on_time", None, page.not_enough_history)
    evidence = _("%(on_time)d of %(sample)d, %(days)d d") % {
        "on_time": influencer.delivery_on_time_count,
        "sample": influencer.delivery_sample,
        "days": REPUTATION_PERIOD_DAYS,
    }
    shown = page.metric("delivers_on_time", f"{percent}\u00a0%")  # no-break space, as pct()
    return f'{shown} <span class="muted small">{escape(evidence)}</span>'


def _punctuality_freshness(influencer, page: _Page) -> str:
    if influencer.delivery_computed_at is None:
        return ""
    return f" · {page.freshness(influencer.delivery_computed_at, page.punctuality_updated)}"


@register.simple_tag(takes_context=True)
def creator_cards(context: template.Context, influencers: Iterable) -> SafeString:
    """Every creator of the page as a card in an <li>; each value escaped (html.escape, quotes included)."""
    page = _Page(context)
    return mark_safe("".join(f"<li>{_card(influencer, page)}</li>" for influencer in influencers))  # noqa: S308


def _row(influencer, language: str | None, compare: str) -> str:
    """One row of the results table, the bytes its template loop gave (tests/influencers/test_discovery_render.py)."""
    handle = escape(influencer.handle)
    avatar = avatar_html(
        name=influencer.display_name or "",
        handle=influencer.handle or "",
        url=influencer.avatar.url if influencer.avatar else None,
        size=32,
        extra_class="small",
    )
    labels = _choice_labels(Influencer, "tier", language)
    tier = f" · {labels.get(influencer.tier, escape(str(influencer.tier)))}" if influencer.tier else ""
    country = f" · {escape(influencer.country)}" if influencer.country else ""
    accounts = getattr(influencer, "card_accounts", ())
    if accounts:
        platforms = _choice_labels(SocialAccount, "platform", language)
        platform_list = ", ".join(
            f'<span class="platform-{escape(account.platform)}">'
            f"{platforms.get(account.platform, escape(str(account.platform)))}</span>"
            for account in accounts
        )
    else:
        platform_list = DASH
    credibility = influencer.credibility_score
    shares = "".join(
        f'<td class="num">{_or_dash(pct(share, 0))}</td>' for share in getattr(influencer, "audience_shares", ())
    )
    price = money(influencer.cheapest_offer_price, influencer.cheapest_offer_currency)
    profile_url = escape(reverse("influencers:profile", args=[influencer.handle]))
    name = escape(influencer.display_name)
    return (
        "\n    <tr>\n"
        f'      <td><input type="checkbox" name="h" value="{handle}" form="compare-form" '
        f'aria-label="{compare % {"handle": handle}}"></td>\n'
        f'      <th scope="row" class="with-face">{avatar}<a href="{profile_url}">{name}</a>\n'
        f'        <span class="muted small">@{handle}{tier}{country}</span></th>\n'
        f'      <td class="small">{platform_list}</td>\n'
        f'      <td class="num">{_or_dash(number(influencer.total_followers))}</td>\n'
        f'      <td class="num">{_or_dash(pct(influencer.engagement_rate))}</td>\n'
        f'      <td class="num">{DASH if credibility is None else escape(str(credibility))}</td>\n'
        f'      <td class="num">{_or_dash(signed_pct(influencer.follower_growth_30d))}</td>\n'
        f"      {shares}\n"
        f'      <td class="num">{_or_dash(price)}</td>\n'
        "    </tr>\n  "
    )


def _or_dash(value: str | None) -> str:
    """`value|default:"—"`, escaped as the template escaped it."""
    return escape(value) if value else DASH


@register.simple_tag
def result_rows(influencers: Iterable) -> SafeString:
    """The rows of influencers/_results_table.html; each value escaped (html.escape, quotes included).

    Through the template each row cost ~15 tag and filter calls and a URL reversal; the translated
    aria-label and the choice labels are looked up once per page here.
    """
    language = get_language()
    compare = _("Compare @%(handle)s")
    return mark_safe("".join(_row(influencer, language, compare) for influencer in influencers))  # noqa: S308
