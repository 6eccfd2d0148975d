"""What the discovery page shows beyond the ranked rows: each creator's platforms, and the audience share behind
every audience filter in force ("NL + BE 46 %"), for the cards and the table view.

Loaded for one page at a time, after the search: one query for the accounts, and, only while an audience filter
is set, one for the audiences and one for their countries — constant in the page size. The API list does not
need them and does not pay for them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from .models import Audience, Influencer, SocialAccount
from .taxonomy import AGE_FIELDS, GENDER_FIELDS, AgeBand, Gender


@dataclass(frozen=True)
class AudienceColumn:
    """One audience filter in force: its heading and the audience fields (or countries) it adds up."""

    key: str  # "country", "age" or "gender"
    heading: str
    values: tuple[str, ...]


def audience_columns(data: Mapping[str, Any]) -> list[AudienceColumn]:
    """The audience filters of a valid discovery form, in the order of the filter panel."""
    columns = []
    countries = tuple(data.get("audience_country") or ())
    if countries:
        columns.append(AudienceColumn("country", " + ".join(countries), countries))
    ages = tuple(value for value in data.get("audience_age") or () if value in AGE_FIELDS)
    if ages:
        ages_shown = {value: str(label) for value, label in AgeBand.choices}
        columns.append(AudienceColumn("age", " + ".join(ages_shown[age] for age in ages), ages))
    genders = tuple(value for value in data.get("audience_gender") or () if value in GENDER_FIELDS)
    if genders:
        genders_shown = {value: str(label) for value, label in Gender.choices}
        columns.append(AudienceColumn("gender", " + ".join(genders_shown[g] for g in genders), genders))
    return columns


def _share(audience: Audience | None, column: AudienceColumn) -> float | None:
    if audience is None:
        return None
    if column.key == "country":
        shares = {country.country: country.share for country in audience.countries.all()}
        return sum(shares.get(code, 0.0) for code in column.values)
    fields = AGE_FIELDS if column.key == "age" else GENDER_FIELDS
    return sum(getattr(audience, fields[value]) for value in column.values)


def attach_card_details(influencers: Sequence[Influencer], *, columns: Sequence[AudienceColumn] = ()) -> None:
    """Sets `card_accounts` (largest first) and `audience_shares` (one per column, None when unknown)."""
    ids = [influencer.pk for influencer in influencers]
    if not ids:
        return
    accounts: dict[int, list[SocialAccount]] = defaultdict(list)
    for account in (
        SocialAccount.objects.filter(influencer_id__in=ids)
        .only("influencer_id", "platform", "handle", "followers")
        .order_by("-followers", "pk")
    ):
        accounts[account.influencer_id].append(account)
    audiences: dict[int, Audience] = {}
    if columns:
        audiences = {
            audience.influencer_id: audience
            for audience in Audience.objects.filter(influencer_id__in=ids).prefetch_related("countries")
        }
    for influencer in influencers:
        influencer.card_accounts = accounts.get(influencer.pk, [])
        audience = audiences.get(influencer.pk)
        influencer.audience_shares = [_share(audience, column) for column in columns]


@dataclass(frozen=True)
class FilterChip:
    """One filter in force, as the brand set it, with the address of the same search without it."""

    label: str
    value: str
    remove_query: str


IGNORED_IN_CHIPS = {"sort", "currency"}


def filter_chips(form: Any, query: QueryDict) -> list[FilterChip]:
    """A chip per value of every filter in force (one per niche, country…), each removable on its own."""
    data = getattr(form, "cleaned_data", {})
    chips = []
    for name, field in form.fields.items():
        if name in IGNORED_IN_CHIPS or name not in query:
            continue
        value = data.get(name)
        if value in (None, "", [], False):
            continue
        raw_values = query.getlist(name)
        choices = {str(key): str(label) for key, label in getattr(field, "choices", ())}
        shown: list[tuple[str | None, str]]
        if isinstance(value, list):
            shown = [(raw, choices.get(raw, raw)) for raw in raw_values if raw]
        else:
            shown = [(None, choices.get(str(value), "" if value is True else str(value)))]
        for raw, text in shown:
            rest = query.copy()
            rest.pop("cursor", None)
            if raw is None:
                rest.pop(name, None)
            else:
                rest.setlist(name, [other for other in raw_values if other != raw])
            chips.append(FilterChip(label=str(field.label), value=text, remove_query=rest.urlencode()))
    return chips
