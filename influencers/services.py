"""Writes on creator profiles: moderation, self-service (profile, avatar, accounts, audience, offers), engine triggers.

The writes every app shares (audit rows, notifications, moderation decisions) live in influencers/kernel/."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from io import BytesIO
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .kernel.audit import audit_record
from .kernel.errors import Conflict, DomainError, NotAllowed
from .kernel.moderation import moderation_decide
from .kernel.notifications import notification_send
from .models import (
    Audience,
    AudienceCountry,
    AudienceSource,
    Influencer,
    Niche,
    Offer,
    SocialAccount,
    share_sum_error,
)
from .taxonomy import (
    AGE_FIELDS,
    GENDER_FIELDS,
    PLATFORM_HOSTS,
    SHARE_SUM_TOLERANCE,
    Country,
    Language,
)

logger = logging.getLogger(__name__)


def influencer_moderate(*, influencer: Influencer, decision: str, reason: str, by: User) -> Influencer:
    influencer = moderation_decide(target=influencer, decision=decision, reason=reason, by=by)
    # Moderation decides who is matchable: the feature store must drop or add this row.
    transaction.on_commit(lambda: features_changed(influencer_ids=[influencer.pk]))
    status_label = influencer.get_status_display().lower()
    message = _("Your profile @%(handle)s is now %(status)s.") % {"handle": influencer.handle, "status": status_label}
    if reason:
        message = f"{message} {reason}"
    notification_send(user=influencer.user, verb=f"moderation.{decision}", message=message)
    return influencer


# --- Creator self-service: profile, avatar, social accounts, audience, rate card -----------------

AVATAR_MAX_BYTES = 2 * 1024 * 1024
# Read from the header before a pixel is decoded: anything larger is refused as a decompression bomb.
AVATAR_MAX_PIXELS = 25_000_000
AVATAR_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
AVATAR_SIDE = 512

PROFILE_FIELDS = ("display_name", "bio", "country", "city", "languages", "is_active")
# Profile fields the engine reads (matching filters on them); niches count too.
ENGINE_PROFILE_FIELDS = frozenset({"country", "languages", "is_active", "niches"})
SOCIAL_ACCOUNT_FIELDS = ("platform", "handle", "url", "followers")
OFFER_FIELDS = ("kind", "platform", "title", "deliverables", "price", "currency", "turnaround_days", "is_active")

ACCOUNT_HANDLE_RE = re.compile(r"^[a-z0-9._-]{1,100}$")


def _require_own_profile(*, influencer: Influencer, by: User) -> None:
    if influencer.user_id is None or influencer.user_id != by.pk:
        raise NotAllowed(_("This is not your profile."))


def _engine_changed(influencer: Influencer, by: User) -> None:
    # The metrics engine marks the profile stale and recomputes it and its matches on commit.
    influencer_changed(influencer=influencer, by=by)


def avatar_reencode(*, upload: File, name: str) -> ContentFile:
    """A 512 px JPEG re-encoded from an uploaded JPEG/PNG/WebP, without EXIF or other metadata.

    The pixel count is checked from the header before decoding, so a tiny file that unpacks into
    gigabytes is refused; anything Pillow cannot decode is refused as "not an image".
    """
    if upload.size is not None and upload.size > AVATAR_MAX_BYTES:
        raise DomainError(_("The picture is larger than 2 MB; upload a smaller one."), field="avatar")
    not_an_image = _("Upload a JPEG, PNG or WebP picture; this file is not one we can read.")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in AVATAR_FORMATS:
                raise DomainError(not_an_image, field="avatar")
            width, height = image.size
            if width * height > AVATAR_MAX_PIXELS:
                raise DomainError(
                    _("The picture is %(width)d × %(height)d pixels; use at most 25 megapixels.")
                    % {"width": width, "height": height},
                    field="avatar",
                )
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGBA")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
        raise DomainError(not_an_image, field="avatar") from exc
    # Transparent areas become white instead of black when the alpha channel is dropped.
    flat = Image.new("RGB", picture.size, "white")
    flat.paste(picture, mask=picture.getchannel("A"))
    flat.thumbnail((AVATAR_SIDE, AVATAR_SIDE))
    out = BytesIO()
    flat.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{name}-{secrets.token_hex(4)}.jpg")


def influencer_profile_update(
    *,
    influencer: Influencer,
    by: User,
    fields: dict,
    niches: Iterable[Niche] | None = None,
    avatar: File | None = None,
    remove_avatar: bool = False,
) -> Influencer:
    """The creator edits their own profile; the avatar is re-encoded before anything is written."""
    _require_own_profile(influencer=influencer, by=by)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable profile fields: {sorted(unknown)}")
    picture = avatar_reencode(upload=avatar, name=influencer.handle) if avatar is not None else None
    with transaction.atomic():
        locked = Influencer.objects.select_for_update().get(pk=influencer.pk)
        before = {name: getattr(locked, name) for name in PROFILE_FIELDS}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        changed = [name for name in PROFILE_FIELDS if getattr(locked, name) != before[name]]
        if niches is not None:
            niche_ids = {niche.pk for niche in niches}
            if niche_ids != set(locked.niches.values_list("pk", flat=True)):
                changed.append("niches")
                locked.niches.set(niche_ids)
        old_avatar = locked.avatar.name
        if picture is not None:
            locked.avatar.save(picture.name or "", picture, save=False)  # avatar_reencode always names it
            changed.append("avatar")
        elif remove_avatar and old_avatar:
            locked.avatar = ""
            changed.append("avatar")
        locked.save()
        audit_record(actor=by, action="influencer.profile_updated", target=locked, data={"changed": changed})
        if old_avatar and "avatar" in changed:
            storage = locked.avatar.storage
            transaction.on_commit(lambda: storage.delete(old_avatar))
        if ENGINE_PROFILE_FIELDS.intersection(changed):
            _engine_changed(locked, by)
    return locked


def social_account_url_error(platform: str, url: str) -> str | None:
    """Why this link cannot be an account on that platform (None when it can). Never fetched."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Enter a full link starting with https://.")
    hosts = PLATFORM_HOSTS.get(platform)
    host = parts.hostname.lower()
    if hosts and not any(host == allowed or host.endswith(f".{allowed}") for allowed in hosts):
        return _("A link for this platform must point at %(hosts)s.") % {"hosts": " or ".join(hosts)}
    return None


def social_account_save(
    *, influencer: Influencer, by: User, fields: dict, account: SocialAccount | None = None
) -> SocialAccount:
    """Add or edit one of the creator's accounts (platform, handle, link, self-reported followers).

    Once imported metrics exist for an account, its follower count comes from them and is kept.
    """
    _require_own_profile(influencer=influencer, by=by)
    if account is not None and account.influencer_id != influencer.pk:
        raise NotAllowed(_("This is not your account."))
    unknown = set(fields) - set(SOCIAL_ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable account fields: {sorted(unknown)}")
    values = dict(fields)
    values["handle"] = (values.get("handle") or "").strip().lstrip("@").lower()
    values["url"] = (values.get("url") or "").strip()
    if not ACCOUNT_HANDLE_RE.match(values["handle"]):
        raise DomainError(
            _("Use the handle as the platform shows it: letters, digits, dots, dashes or underscores."),
            field="handle",
        )
    if message := social_account_url_error(values.get("platform", ""), values["url"]):
        raise DomainError(message, field="url")
    target = account or SocialAccount(influencer=influencer)
    if target.metrics_updated_at is not None:
        values.pop("followers", None)
    duplicate = SocialAccount.objects.filter(platform=values.get("platform"), handle=values["handle"])
    if target.pk:
        duplicate = duplicate.exclude(pk=target.pk)
    if duplicate.exists():
        raise Conflict(
            _("This account is already on Invloed. If it is yours, contact us so we can move it to your profile."),
            field="handle",
        )
    for name, value in values.items():
        setattr(target, name, value)
    target.full_clean()
    created = target.pk is None
    try:
        with transaction.atomic():
            target.save()
            audit_record(
                actor=by,
                action="social_account.created" if created else "social_account.updated",
                target=target,
                data={"platform": target.platform, "handle": target.handle},
            )
            _engine_changed(influencer, by)
    except IntegrityError as exc:
        raise Conflict(_("This account is already on Invloed."), field="handle") from exc
    return target


def social_account_delete(*, account: SocialAccount, by: User) -> None:
    influencer = account.influencer
    _require_own_profile(influencer=influencer, by=by)
    with transaction.atomic():
        audit_record(
            actor=by,
            action="social_account.deleted",
            target=account,
            data={"platform": account.platform, "handle": account.handle},
        )
        account.delete()
        _engine_changed(influencer, by)


def audience_errors(
    *, ages: dict[str, float], genders: dict[str, float], countries: dict[str, float], languages: dict[str, float]
) -> dict[str, str]:
    """Problems with an audience breakdown, per dimension (empty when it is valid). Shares are fractions."""
    errors: dict[str, str] = {}
    dimensions = (("ages", ages), ("genders", genders), ("countries", countries), ("languages", languages))
    for key, shares in dimensions:
        if any(not 0 <= share <= 1 for share in shares.values()):
            errors[key] = _("Every share must be between 0 % and 100 %.")
    if set(ages) != set(AGE_FIELDS) or set(genders) != set(GENDER_FIELDS):
        raise ValueError("ages and genders need a share for every band")
    if "ages" not in errors and (message := share_sum_error(_("Age"), ages.values())):
        errors["ages"] = message
    if "genders" not in errors and (message := share_sum_error(_("Gender"), genders.values())):
        errors["genders"] = message
    if any(code not in Country.values for code in countries):
        errors["countries"] = _("Choose countries from the list.")
    elif "countries" not in errors and sum(countries.values()) > 1 + SHARE_SUM_TOLERANCE:
        errors["countries"] = _(
            "Country shares add up to %(total).0f %%; your top countries can cover at most 100 %%."
        ) % {"total": sum(countries.values()) * 100}
    if any(code not in Language.values for code in languages):
        errors["languages"] = _("Choose languages from the list.")
    elif "languages" not in errors and languages and (message := share_sum_error(_("Language"), languages.values())):
        errors["languages"] = message
    return errors


def audience_update(
    *,
    influencer: Influencer,
    by: User,
    ages: dict[str, float],
    genders: dict[str, float],
    countries: dict[str, float],
    languages: dict[str, float],
) -> Audience:
    """Replace the creator's self-reported audience breakdown (fractions per dimension)."""
    _require_own_profile(influencer=influencer, by=by)
    errors = audience_errors(ages=ages, genders=genders, countries=countries, languages=languages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        audience = Audience.objects.select_for_update().filter(influencer=influencer).first()
        audience = audience or Audience(influencer=influencer)
        for band, field in AGE_FIELDS.items():
            setattr(audience, field, ages[band])
        for gender, field in GENDER_FIELDS.items():
            setattr(audience, field, genders[gender])
        audience.language_shares = {code: share for code, share in languages.items() if share > 0}
        audience.source = AudienceSource.SELF_REPORTED
        audience.as_of = timezone.localdate()
        audience.full_clean()
        audience.save()
        audience.countries.all().delete()
        AudienceCountry.objects.bulk_create(
            AudienceCountry(audience=audience, country=code, share=share)
            for code, share in countries.items()
            if share > 0
        )
        audit_record(actor=by, action="audience.updated", target=influencer, data={"countries": sorted(countries)})
        _engine_changed(influencer, by)
    return audience


def offer_save(*, influencer: Influencer, by: User, fields: dict, offer: Offer | None = None) -> Offer:
    """Add or edit a line of the creator's rate card."""
    _require_own_profile(influencer=influencer, by=by)
    if offer is not None and offer.influencer_id != influencer.pk:
        raise NotAllowed(_("This is not your offer."))
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"Not editable offer fields: {sorted(unknown)}")
    target = offer or Offer(influencer=influencer)
    created = target.pk is None
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean()
    with transaction.atomic():
        target.save()
        audit_record(
            actor=by,
            action="offer.created" if created else "offer.updated",
            target=target,
            data={"kind": target.kind, "price": str(target.price), "active": target.is_active},
        )
        _engine_changed(influencer, by)
    return target


def offer_delete(*, offer: Offer, by: User) -> None:
    influencer = offer.influencer
    _require_own_profile(influencer=influencer, by=by)
    with transaction.atomic():
        audit_record(
            actor=by, action="offer.deleted", target=offer, data={"kind": offer.kind, "price": str(offer.price)}
        )
        offer.delete()
        _engine_changed(influencer, by)


# --- Metrics engine triggers (engine area) -------------------------------------------------------
# Imported here, not at the top, so this section stays an append-only block of the shared module.
from .kernel.queueing import enqueue_on_commit  # noqa: E402
from .kernel.runs import run_create  # noqa: E402
from .metrics import features_changed  # noqa: E402
from .models import EngineRun  # noqa: E402

METRICS_TASK = "influencers.tasks.recompute_metrics_task"


def influencer_metrics_request(
    *,
    influencer_ids: list[int] | set[int] | tuple[int, ...],
    by: User | None = None,
    refresh_matches: bool = True,
) -> EngineRun | None:
    """Mark these influencers' metrics stale and queue their recompute (then their matches) on commit.

    The stale flag is written in the caller's transaction; if the broker is down at commit time the
    publish is logged and skipped, and the periodic sweep re-enqueues the flagged influencers.
    """
    ids = sorted({int(pk) for pk in influencer_ids})
    if not ids:
        return None
    with transaction.atomic():
        Influencer.objects.filter(pk__in=ids, metrics_stale_since__isnull=True).update(
            metrics_stale_since=timezone.now()
        )
        scope = f"influencer:{ids[0]}" if len(ids) == 1 else "influencers"
        run = run_create(kind=EngineRun.Kind.METRICS_INCREMENTAL, scope=scope, by=by, detail={"influencers": len(ids)})
        # Profile fields feed the matching feature store directly, not only through the metrics.
        transaction.on_commit(lambda: features_changed(influencer_ids=ids))
        enqueue_on_commit(METRICS_TASK, run_id=run.pk, influencer_ids=ids, refresh_matches=refresh_matches)
    return run


def influencer_changed(*, influencer: Influencer, by: User | None = None) -> EngineRun | None:
    """Something the engine reads changed (profile, accounts, audience, offers, imported metrics):
    recompute this influencer's metrics, then its matches against the open campaigns."""
    return influencer_metrics_request(influencer_ids=[influencer.pk], by=by)
