"""Numbers that explain themselves: every metric links to /metrics/#anchor and carries its definition on hover.

{% load metric_tags %}
{% metric "engagement_rate" influencer.engagement_rate|pct %}   -> the value, linked and titled
{% metric_label "engagement_rate" %}                            -> the metric's name, linked and titled
{% freshness influencer.metrics_updated_at %}                   -> "updated 2 hours ago" / "not computed yet"
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib
from collections.abc import Iterable
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from influencers import formatting
from influencers.definitions import definition

register = template.Library()


@functools.lru_cache(maxsize=512)
def _shown(key: str, language: str | None, urlconf: str | None, prefix: str) -> tuple[SafeString, ...]:
    """(link, label, hover text) of a metric in one language and URL layout, HTML-escaped.

    A discovery page shows ~300 numbers; reversing the URL, translating the lazy texts and escaping
    the long hover texts once per process instead of once per number saved ~10 % of the page's
    rendering (docs/benchmarks.md).
    """
    item = definition(key)
    return escape(f"{reverse('metrics', urlconf=urlconf)}#{item.anchor}"), escape(item.label), escape(item.short)


def _current(key: str) -> tuple[SafeString, ...]:
    return _shown(key, get_language(), get_urlconf(), get_script_prefix())


@register.simple_tag
def metric(key: str, value: object, unknown: str = "") -> SafeString:
    """A value that links to its definition; unknown values say so instead of showing 0."""
    href, label, short = _current(key)
    text = value if value not in (None, "") else (unknown or _("unknown"))
    return format_html('<a class="metric" href="{}" title="{}: {}">{}</a>', href, label, short, text)


@register.simple_tag
def metric_label(key: str, text: str = "") -> SafeString:
    href, label, short = _current(key)
    return format_html('<a class="metric-help" href="{}" title="{}">{}</a>', href, short, text or label)


@register.simple_tag
def metric_link(key: str, text: object = "") -> SafeString:
    """The metric's name (or `text`) linked to its definition, without the hover text.

    For long lists whose hover texts are said once in a legend ({% metric_legend %}): the recommendations
    repeated six of them on each of 25 rows, 60 % of that page's weight.
    """
    href, label, _short = _current(key)
    return format_html('<a href="{}">{}</a>', href, text if text not in (None, "") else label)


@register.simple_tag
def metric_name(key: str) -> SafeString:
    return _current(key)[1]


@register.simple_tag
def metric_legend(keys: Iterable[str]) -> SafeString:
    """One <dt>/<dd> pair per metric: its name linked to the definition, and the definition's short text."""
    pairs = []
    for key in keys:
        href, label, short = _current(key)
        pairs.append(format_html('<dt><a href="{}">{}</a></dt><dd>{}</dd>', href, label, short))
    return mark_safe("".join(pairs))  # noqa: S308  # each pair is format_html-escaped


@register.simple_tag
def metric_title(key: str) -> SafeString:
    """The hover text alone (for elements that are links already)."""
    _link, label, short = _current(key)
    return format_html("{}: {}", label, short)


@register.simple_tag
def freshness(when: dt.datetime | None, label: str = "") -> SafeString:
    """When a number was computed, relative and exact: "updated 2 hours ago"."""
    if when is None:
        return format_html('<span class="freshness">{}</span>', _("not computed yet"))
    return format_html(
        '<time class="freshness" datetime="{}" title="{}">{} {}</time>',
        when.isoformat(),
        date_format(when, "DATETIME_FORMAT"),
        label or _("updated"),
        naturaltime(when),
    )


@register.filter
def pct(value: float | Decimal | None, digits: int = 1) -> str | None:
    """A fraction as a percentage ("0.0412" -> "4.1 %", in Dutch "4,1 %"); None stays None so `metric` says
    "unknown"."""
    if value is None or value == "":
        return None
    return formatting.percent(float(value), int(digits))


@register.filter
def signed_pct(value: float | None) -> str | None:
    if value is None:
        return None
    return formatting.percent(value, 1, signed=True)


@register.filter
def number(value: float | int | None) -> str | None:
    """A count with thousands separators; None stays None."""
    if value is None:
        return None
    return formatting.count(value)


@register.filter
def money(value: Decimal | float | None, currency: str = "EUR") -> str | None:
    if value is None:
        return None
    return f"{currency}{formatting.NBSP}{formatting.amount(value)}"


@register.filter
def initials(name: str) -> str:
    words = [word for word in (name or "").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


AVATAR_TONES = 8  # .avatar.tone-0 … tone-7 in static/css/discovery.css, each with text contrast ≥ 4.5:1


def avatar_html(*, name: str, handle: str, url: str | None, size: int = 56, extra_class: str = "") -> str:
    """A creator's face: their uploaded photo, or their initials on a colour that stays the same for the handle.

    The photo's alt text is empty and the initials are hidden from screen readers: the name always sits next
    to it, so reading "photo of Anna" first would only repeat it.
    """
    classes = f"avatar {extra_class}".strip()
    if url:
        return f'<img class="{classes}" src="{escape(url)}" alt="" width="{size}" height="{size}" loading="lazy">'
    tone = zlib.crc32(handle.encode()) % AVATAR_TONES
    return f'<span class="{classes} initials tone-{tone}" aria-hidden="true">{escape(initials(name))}</span>'


@register.simple_tag
def avatar(influencer: object, size: int = 56) -> SafeString:
    """{% avatar influencer %} / {% avatar influencer 96 %}: the photo, or the generated initials."""
    photo = getattr(influencer, "avatar", None)
    extra = "large" if size >= 96 else ("small" if size <= 32 else "")
    html = avatar_html(
        name=getattr(influencer, "display_name", "") or "",
        handle=getattr(influencer, "handle", "") or "",
        url=photo.url if photo else None,
        size=size,
        extra_class=extra,
    )
    return mark_safe(html)  # noqa: S308  # built from escaped parts above
