"""Row validation: raw values in, typed values out, or messages that say what is wrong with which column.

The column lists below are the public import format (docs/import.md). Counts left empty mean "hidden
by the platform" (stored as NULL, never 0), as the metric definitions require.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import overlap
from ..models import Audience, AudienceSource
from ..taxonomy import AGE_FIELDS, GENDER_FIELDS, SHARE_SUM_TOLERANCE, Country, Language, Platform, PostFormat

MAX_COUNT = 10**12
# Times may run a little ahead across machines; a post "from the future" beyond this is a mistake.
FUTURE_TOLERANCE = dt.timedelta(hours=1)

POST_COLUMNS = (
    "platform", "account", "external_id", "posted_at", "format", "caption", "url",
    "likes", "comments", "shares", "views", "saves", "is_sponsored", "has_ad_disclosure",
)  # fmt: skip
SNAPSHOT_COLUMNS = ("platform", "account", "date", "followers")
AUDIENCE_COLUMNS = (
    *("influencer", "as_of", "source"),
    *AGE_FIELDS.values(),
    *GENDER_FIELDS.values(),
    *("countries", "languages"),
)
FOLLOWER_SAMPLE_COLUMNS = ("platform", "account", "sample_rate", "follower_ids")
COLUMNS = {
    "posts": POST_COLUMNS,
    "snapshots": SNAPSHOT_COLUMNS,
    "audience": AUDIENCE_COLUMNS,
    "follower_samples": FOLLOWER_SAMPLE_COLUMNS,
}


# Membership tests run once per row: frozensets, not the enum's (rebuilt-on-access) value lists.
PLATFORMS = frozenset(Platform.values)
FORMATS = frozenset(PostFormat.values)
SOURCES = frozenset(AudienceSource.values)


class Invalid(ValueError):
    """One column's value is wrong; the message says how."""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    return value if type(value) is str else "" if value is None else str(value)


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _storable(text: str) -> str:
    """Text a database can hold: no NUL characters, no lone surrogates (JSON can spell both)."""
    if "\x00" in text:
        raise Invalid(_("must not contain NUL characters"))
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid(_("contains characters that are not valid Unicode")) from None
    return text


def platform(value: object) -> str:
    text = _text(value).strip().lower()
    if text not in PLATFORMS:
        raise Invalid(_("must be one of %(choices)s") % {"choices": ", ".join(Platform.values)})
    return text


def handle(value: object) -> str:
    text = _text(value).strip().lstrip("@").lower()
    if not text or len(text) > 100:
        raise Invalid(_("must be the account handle (1–100 characters)"))
    return _storable(text)


def external_id(value: object) -> str:
    text = _text(value).strip()
    if not text or len(text) > 100:
        raise Invalid(_("must be the platform's id of the post (1–100 characters)"))
    return _storable(text)


def moment(value: object) -> dt.datetime:
    text = _text(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(_("must be a date and time like 2025-03-01T14:30:00Z")) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)  # documented: times without a zone are UTC
    if parsed > dt.datetime.now(dt.UTC) + FUTURE_TOLERANCE:
        raise Invalid(_("is in the future"))
    return parsed


def day(value: object) -> dt.date:
    text = str(value or "").strip()
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(_("must be a date like 2025-03-01")) from None
    if parsed > timezone.localdate() + dt.timedelta(days=1):
        raise Invalid(_("is in the future"))
    return parsed


def count(value: object) -> int | None:
    """A whole number >= 0, or empty (hidden by the platform)."""
    if type(value) is str and value.isascii() and value.isdigit():  # the common case, kept fast
        number = int(value)
        if number > MAX_COUNT:
            raise Invalid(_("must be between 0 and 1,000,000,000,000"))
        return number
    if _blank(value):
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise Invalid(_("must be a whole number of 0 or more, or empty when the platform hides it"))
    try:
        number = int(value) if isinstance(value, int | float) else int(str(value).strip())
    except ValueError:
        raise Invalid(_("must be a whole number of 0 or more, or empty when the platform hides it")) from None
    if number < 0 or number > MAX_COUNT:
        raise Invalid(_("must be between 0 and 1,000,000,000,000"))
    return number


def required_count(value: object) -> int:
    number = count(value)
    if number is None:
        raise Invalid(_("is required (a whole number of 0 or more)"))
    return number


TRUE = frozenset({"1", "true", "yes", "y", "t"})
FALSE = frozenset({"", "0", "false", "no", "n", "f"})


def flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise Invalid(_("must be true or false (or empty for false)"))


def post_format(value: object) -> str:
    text = _text(value).strip().lower() or PostFormat.IMAGE.value
    if text not in FORMATS:
        raise Invalid(_("must be one of %(choices)s") % {"choices": ", ".join(PostFormat.values)})
    return text


def url(value: object) -> str:
    text = _text(value).strip()
    if text and (len(text) > 500 or not text.startswith(("https://", "http://"))):
        raise Invalid(_("must be an http(s) address of at most 500 characters"))
    return _storable(text)


def caption(value: object) -> str:
    text = _text(value)
    if len(text) > 5000:
        raise Invalid(_("must be at most 5,000 characters"))
    return _storable(text)


def share(value: object) -> float:
    if _blank(value):
        return 0.0
    try:
        # JSON and CSV cells: text or a number (a bool is not a share)
        number = float(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not 0.0 <= number <= 1.0:
        raise Invalid(_("must be a fraction between 0 and 1 (0.35 for 35 %)"))
    return number


def share_map(value: object, vocabulary: list[str], *, upper: bool) -> dict[str, float]:
    """{"NL": 0.6} from a JSON object, or from "NL:0.6;BE:0.3" in a CSV cell."""
    if _blank(value):
        return {}
    if isinstance(value, dict):
        items = list(value.items())
    else:
        items = []
        for part in str(value).split(";"):
            if part.strip():
                code, _sep, amount = part.partition(":")
                items.append((code, amount))
    result: dict[str, float] = {}
    for code, amount in items:
        key = str(code).strip().upper() if upper else str(code).strip().lower()
        if key not in vocabulary:
            raise Invalid(_("has an unknown code “%(code)s”") % {"code": _shown(code)})
        result[key] = share(amount)
    if sum(result.values()) > 1.0 + SHARE_SUM_TOLERANCE:
        raise Invalid(_("shares add up to more than 100 %"))
    return result


def source(value: object) -> str:
    text = _text(value).strip().lower() or AudienceSource.IMPORT.value
    if text not in SOURCES:
        raise Invalid(_("must be one of %(choices)s") % {"choices": ", ".join(AudienceSource.values)})
    return text


POST_PARSERS: tuple[Callable[[object], object], ...] = (
    platform, handle, external_id, moment, post_format, caption, url, count, count, count, count, count, flag, flag,
)  # fmt: skip
SNAPSHOT_PARSERS: tuple[Callable[[object], object], ...] = (platform, handle, day, required_count)


def _parse(raw: Mapping[str, object], columns: tuple[str, ...], parsers: tuple, errors: list[str]) -> tuple:
    values = []
    for column, parse in zip(columns, parsers, strict=True):
        value = raw.get(column)
        try:
            values.append(parse(value))
        except Invalid as problem:
            shown = "" if _blank(value) else _(" (got “%(value)s”)") % {"value": _shown(value)}
            errors.append(f"{column} {problem}{shown}")
            values.append(None)
    return tuple(values)


def unknown_columns(kind: str, names: Iterable[object]) -> list[str]:
    """A message when a record (or a CSV header) has columns the format does not know."""
    columns = COLUMNS[kind]
    unknown = sorted(str(name) for name in names if name not in columns)
    if not unknown:
        return []
    message = _("unknown column(s) %(names)s; the columns are %(columns)s")
    return [message % {"names": ", ".join(unknown), "columns": ", ".join(columns)}]


_PAIRS = {
    "posts": tuple(zip(POST_COLUMNS, POST_PARSERS, strict=True)),
    "snapshots": tuple(zip(SNAPSHOT_COLUMNS, SNAPSHOT_PARSERS, strict=True)),
}


def validate(kind: str, raw: Mapping[str, object]) -> tuple[tuple | None, list[str]]:
    """Typed values for one record, or None and the messages (one per wrong column).

    Column names are checked by the provider (once per CSV header, per object in JSON).
    """
    if "__error__" in raw:
        return None, [str(raw["__error__"])]
    if kind == "audience":
        errors: list[str] = []
        values = _audience(raw, errors)
        return (None, errors) if errors else (values, [])
    if kind == "follower_samples":
        errors = []
        values = follower_sample(raw, errors)
        return (None, errors) if errors else (values, [])
    get = raw.get
    try:
        # One try around the whole row keeps the common (valid) case fast; a row with a problem is
        # parsed again column by column to say exactly what is wrong.
        return tuple([parse(get(column)) for column, parse in _PAIRS[kind]]), []
    except Invalid:
        errors = []
        columns, parsers = zip(*_PAIRS[kind], strict=True)
        _parse(raw, columns, parsers, errors)
        return None, errors


def _audience(raw: Mapping[str, object], errors: list[str]) -> tuple:
    columns = ("influencer", "as_of", "source", *AGE_FIELDS.values(), *GENDER_FIELDS.values())
    parsers = (handle, day, source, *[share] * (len(AGE_FIELDS) + len(GENDER_FIELDS)))
    values = _parse(raw, columns, parsers, errors)
    countries = languages = {}
    try:
        countries = share_map(raw.get("countries"), Country.values, upper=True)
    except Invalid as problem:
        errors.append(f"countries {problem}")
    try:
        languages = share_map(raw.get("languages"), Language.values, upper=False)
    except Invalid as problem:
        errors.append(f"languages {problem}")
    if errors:
        return ()
    fields = dict(zip(columns[3:], values[3:], strict=True))
    # The model's own rules: each dimension's shares add up to 100 % (±2 points).
    try:
        Audience(as_of=values[1], source=values[2], language_shares=languages, **fields).clean()
    except ValidationError as problem:
        errors.extend(message for messages in problem.message_dict.values() for message in messages)
        return ()
    return (*values, countries, languages)


# --- follower samples ---------------------------------------------------------------------------
# The ids are hashed into the sketch here, during validation, and dropped: no later step (writer,
# error message, engine run, log) ever sees a raw follower id. Messages give positions, never values.

MAX_SAMPLE_IDS = 2_000_000
MAX_ID_LENGTH = 100


def sample_rate(value: object) -> int:
    """The sampling level of a rate 1, 1/2, 0.25, "1/8" … 1/65,536 (empty = 1, the full list)."""
    if _blank(value):
        return 0
    rate: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        rate = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                numerator, denominator = text.split("/", 1)
                rate = int(numerator) / int(denominator)
            else:
                rate = float(text)
        except (ValueError, ZeroDivisionError):
            rate = None
    level = overlap.level_of_rate(rate) if rate is not None else None
    if level is None:
        raise Invalid(_("must be 1 (the full list) or 1/2, 1/4, 1/8 … down to 1/65536"))
    return level


def _follower_id_list(value: object) -> list[str]:
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        items = value.replace(";", " ").replace(",", " ").split()
    else:
        raise Invalid(_("must be a list of follower ids"))
    if not items:
        raise Invalid(_("must hold at least one follower id"))
    if len(items) > MAX_SAMPLE_IDS:
        raise Invalid(_("holds more than %(max)s ids: send a sample at a lower rate") % {"max": f"{MAX_SAMPLE_IDS:,}"})
    ids = []
    for position, item in enumerate(items, start=1):
        if isinstance(item, int) and not isinstance(item, bool) and item >= 0:
            ids.append(str(item))
            continue
        text = item.strip() if isinstance(item, str) else ""
        if not text or len(text) > MAX_ID_LENGTH or not text.isprintable() or " " in text:
            raise Invalid(
                _("id number %(n)d is not a follower id (1–100 printable characters, or a whole number)")
                % {"n": position}
            )
        ids.append(text)
    return ids


def follower_sample(raw: Mapping[str, object], errors: list[str]) -> tuple:
    """(platform, account, level, sketch) of one account's follower sample; the ids are not kept."""
    values = _parse(raw, ("platform", "account", "sample_rate"), (platform, handle, sample_rate), errors)
    try:
        ids = _follower_id_list(raw.get("follower_ids"))
    except Invalid as problem:
        errors.append(f"follower_ids {problem}")  # never the value: it holds follower ids
        return ()
    if errors:
        return ()
    platform_name, account, level = values
    outside = [
        position
        for position, follower_id in enumerate(ids, start=1)
        if not overlap.in_sample(platform_name, follower_id, level)
    ]
    if outside:
        errors.append(
            _(
                "follower_ids: %(n)d of %(total)d ids (the first is number %(first)d) are not in a sample at "
                "rate 1/%(denominator)d by the sampling rule in docs/import.md; send the full list at rate 1, "
                "or sample by the rule"
            )
            % {"n": len(outside), "total": len(ids), "first": outside[0], "denominator": 2**level}
        )
        return ()
    sketch = overlap.sketch_build(
        platform=platform_name, follower_ids=dict.fromkeys(ids), level=level, key=overlap.hash_key()
    )
    return platform_name, account, level, sketch
