"""Writes for brands: moderation (sign-up, members and shortlists arrive with their pages)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from influencers.access import actor_for
from influencers.kernel.audit import audit_record
from influencers.kernel.emails import email_send
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.moderation import moderation_decide
from influencers.kernel.notifications import notification_send
from influencers.models import Influencer, Niche
from influencers.taxonomy import ModerationStatus

from .models import Brand, BrandInvitation, BrandMember, EmailConfirmation, Shortlist, ShortlistEntry


def brand_moderate(*, brand: Brand, decision: str, reason: str, by: AbstractBaseUser) -> Brand:
    brand = moderation_decide(target=brand, decision=decision, reason=reason, by=by)
    message = _("Your brand %(name)s is now %(status)s.") % {
        "name": brand.name,
        "status": brand.get_status_display().lower(),
    }
    if reason:
        message = f"{message} {reason}"
    for member in BrandMember.objects.filter(brand=brand, role=BrandMember.Role.OWNER).select_related("user"):
        notification_send(user=member.user, verb=f"moderation.{decision}", message=message)
    return brand


# --- Accounts: sign-up, team invitations and the brand profile -----------------------------------
# Every abuse-prone entry point (creating accounts, sending invitation emails) is a function in this
# section and nowhere else, so one rate limit can wrap them all.

INVITATION_VALID_DAYS = 14
BRAND_PROFILE_FIELDS = ("name", "website", "country", "description")


def _address_normalize(email: str) -> str:
    return get_user_model().objects.normalize_email((email or "").strip()).lower()


def _user_create(*, username: str, email: str, password: str, email_confirmed: bool = True) -> User:
    """A new login; the username must be unused (case-insensitively), the password strong.

    `email_confirmed`: the address was proven (an invitation link reached it) and is stored, so it
    must be unused. Otherwise (a sign-up) it only takes part in the password checks; the caller
    keeps it aside until its owner confirms it (`_email_confirmation_start`).
    """
    user_model = get_user_model()
    username = (username or "").strip()
    email = _address_normalize(email)
    if user_model.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is taken; choose another."), field="username")
    if email_confirmed and email and user_model.objects.filter(email__iexact=email).exists():
        raise DomainError(
            _("An account with this email address already exists: log in, or reset your password."), field="email"
        )
    user = user_model(username=username, email=email)
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    if not email_confirmed:
        user.email = ""
    user.set_password(password)
    user.save()
    return user


EMAIL_CONFIRMATION_VALID_DAYS = 7


def _email_confirmation_start(*, user: User, email: str) -> EmailConfirmation:
    """Keep a sign-up's address aside and email its owner; the same for a new and a known address.

    A new address gets a confirmation link. An address that already has an account gets a warning
    instead (someone tried to sign up with it): the person signing up sees the same answer either
    way, so the sign-up form does not tell who is registered.
    """
    email = _address_normalize(email)
    token = secrets.token_urlsafe(32)
    confirmation = EmailConfirmation.objects.create(user=user, email=email, token=_token_hash(token))
    if get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        transaction.on_commit(lambda: _signup_attempt_email(address=email))
    else:
        link = f"{settings.SITE_URL}{reverse('email_confirm')}?token={token}"
        transaction.on_commit(lambda: _email_confirmation_email(address=email, link=link))
    return confirmation


def _send_account_email(*, address: str, subject: str, body: str) -> None:
    # The product's one email path: queued, retried, and never failing the request (kernel/emails.py).
    email_send(to=address, subject=subject, body=body)


def _email_confirmation_email(*, address: str, link: str) -> None:
    body = _(
        "Welcome to Invloed.\n\n"
        "Open this link within %(days)d days to confirm that this address is yours:\n%(link)s\n\n"
        "If you did not sign up, ignore this email: the address will not be used."
    ) % {"days": EMAIL_CONFIRMATION_VALID_DAYS, "link": link}
    _send_account_email(address=address, subject=_("Confirm your email address for Invloed"), body=body)


def _signup_attempt_email(*, address: str) -> None:
    body = _(
        "Someone tried to create a new Invloed account with this email address, which already belongs to "
        "your account.\n\n"
        "If that was you, log in at %(login)s, or reset your password at %(reset)s.\n\n"
        "If it was not you, you can ignore this email: nothing changed on your account."
    ) % {
        "login": f"{settings.SITE_URL}{reverse('login')}",
        "reset": f"{settings.SITE_URL}{reverse('password_reset')}",
    }
    _send_account_email(address=address, subject=_("Someone tried to sign up with your address"), body=body)


def account_email_confirm(*, token: str) -> EmailConfirmation:
    """The link from the confirmation email: the address becomes the account's email."""
    cutoff = timezone.now() - timedelta(days=EMAIL_CONFIRMATION_VALID_DAYS)
    confirmation = (
        EmailConfirmation.objects.filter(
            token=_token_hash(token or ""), confirmed_at__isnull=True, created_at__gte=cutoff
        )
        .select_related("user")
        .first()
    )
    if confirmation is None:
        raise DomainError(_("This confirmation link is invalid, expired or already used."))
    user = confirmation.user
    with transaction.atomic():
        # Another account may have confirmed or been given this address since the link was sent.
        if get_user_model().objects.filter(email__iexact=confirmation.email).exclude(pk=user.pk).exists():
            raise Conflict(_("This address now belongs to another account; it was not added to yours."))
        claimed = EmailConfirmation.objects.filter(pk=confirmation.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        if not claimed:
            raise Conflict(_("This confirmation link was just used."))
        user.email = confirmation.email
        user.save(update_fields=["email"])
        audit_record(actor=user, action="account.email_confirmed", target=user, data={"email": confirmation.email})
    return confirmation


def account_email_pending(user: User) -> str:
    """The address a sign-up gave and has not confirmed yet ("" when none)."""
    if user.email:
        return ""
    confirmation = EmailConfirmation.objects.filter(user=user, confirmed_at__isnull=True).first()
    return confirmation.email if confirmation else ""


def account_signup_influencer(
    *, username: str, email: str, password: str, handle: str, display_name: str
) -> Influencer:
    """A creator signs up: a login and a pending profile that a moderator reviews."""
    handle = (handle or "").strip().lstrip("@").lower()
    if Influencer.objects.filter(handle=handle).exists():
        raise DomainError(_("This handle is taken on Invloed; choose another."), field="handle")
    try:
        with transaction.atomic():
            user = _user_create(username=username, email=email, password=password, email_confirmed=False)
            influencer = Influencer(
                user=user, handle=handle, display_name=display_name.strip(), status=ModerationStatus.PENDING
            )
            influencer.full_clean()
            influencer.save()
            audit_record(actor=user, action="account.signup_influencer", target=influencer)
            _email_confirmation_start(user=user, email=email)
    except IntegrityError as exc:
        raise Conflict(_("This username or handle was just taken; choose another.")) from exc
    return influencer


def _brand_slug(name: str) -> str:
    base = slugify(name)[:50] or "brand"
    slug, number = base, 1
    while Brand.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def account_signup_brand(
    *, username: str, email: str, password: str, brand_name: str, website: str = "", country: str = ""
) -> BrandMember:
    """A brand signs up: a login, a pending brand that a moderator reviews, and its owner membership."""
    try:
        with transaction.atomic():
            user = _user_create(username=username, email=email, password=password, email_confirmed=False)
            brand = Brand(
                name=(brand_name or "").strip(),
                slug=_brand_slug(brand_name or ""),
                website=(website or "").strip(),
                country=country or "",
                status=ModerationStatus.PENDING,
            )
            brand.full_clean()
            brand.save()
            member = BrandMember.objects.create(user=user, brand=brand, role=BrandMember.Role.OWNER)
            audit_record(actor=user, action="account.signup_brand", target=brand)
            _email_confirmation_start(user=user, email=email)
    except IntegrityError as exc:
        raise Conflict(_("This username or brand was just taken; try again.")) from exc
    return member


def _require_owner(*, brand: Brand, by: User) -> None:
    actor = actor_for(by)
    if actor.brand_id != brand.pk or not actor.is_brand_owner:
        raise NotAllowed(_("Only owners of %(brand)s can do this.") % {"brand": brand.name})


def _token_hash(token: str) -> str:
    # Only the hash is stored: a leaked database does not hand out working invitation links.
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_email(*, address: str, brand_name: str, inviter: str, link: str) -> None:
    body = _(
        "%(inviter)s invited you to join %(brand)s on Invloed.\n\n"
        "Open this link within %(days)d days to accept:\n%(link)s\n\n"
        "If you did not expect this email, you can ignore it."
    ) % {"inviter": inviter, "brand": brand_name, "days": INVITATION_VALID_DAYS, "link": link}
    email_send(to=address, subject=_("Join %(brand)s on Invloed") % {"brand": brand_name}, body=body)


def brand_invitation_create(*, brand: Brand, email: str, by: User) -> BrandInvitation:
    """An owner invites a teammate by email; the link in the email is the only copy of the token."""
    _require_owner(brand=brand, by=by)
    # Each invitation is an email in the brand's name to an address the sender picks: only a brand a
    # moderator has approved may send them, or a fresh sign-up could make the site mail anyone.
    if brand.status == ModerationStatus.PENDING:
        raise NotAllowed(
            _("Your brand is waiting for a moderator's review: you can invite teammates once it is approved.")
        )
    if brand.status != ModerationStatus.APPROVED:
        raise NotAllowed(_("A %(status)s brand cannot invite teammates.") % {"status": brand.get_status_display()})
    email = get_user_model().objects.normalize_email((email or "").strip()).lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Enter a valid email address."), field="email") from exc
    if BrandMember.objects.filter(brand=brand, user__email__iexact=email).exists():
        raise Conflict(_("%(email)s is already on your team.") % {"email": email}, field="email")
    now = timezone.now()
    open_invitations = brand.invitations.filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True)
    # An expired invitation no longer blocks a new one.
    open_invitations.filter(created_at__lt=now - timedelta(days=INVITATION_VALID_DAYS)).update(revoked_at=now)
    if open_invitations.exists():
        raise Conflict(
            _("An invitation to %(email)s is already open; revoke it first to send a new one.") % {"email": email},
            field="email",
        )
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = BrandInvitation.objects.create(
                brand=brand, email=email, token=_token_hash(token), invited_by=by
            )
            audit_record(actor=by, action="brand.member_invited", target=brand, data={"email": email})
    except IntegrityError as exc:
        raise Conflict(_("An invitation to %(email)s is already open.") % {"email": email}, field="email") from exc
    link = f"{settings.SITE_URL}{reverse('brand_invitation_accept', args=[token])}"
    inviter = by.get_username()
    _invitation_email(address=email, brand_name=brand.name, inviter=inviter, link=link)
    return invitation


def brand_invitation_for_token(token: str) -> BrandInvitation | None:
    """The open, unexpired invitation behind a link, or None."""
    cutoff = timezone.now() - timedelta(days=INVITATION_VALID_DAYS)
    return (
        BrandInvitation.objects.filter(
            token=_token_hash(token or ""), accepted_at__isnull=True, revoked_at__isnull=True, created_at__gte=cutoff
        )
        .select_related("brand")
        .first()
    )


def _invitation_claim(*, invitation: BrandInvitation, user: User) -> BrandMember:
    if Influencer.objects.filter(user_id=user.pk).exists():
        raise DomainError(_("This is a creator account; creators cannot join a brand team. Use another account."))
    if BrandMember.objects.filter(user_id=user.pk).exists():
        raise DomainError(_("This account already works for a brand; one account belongs to one brand."))
    claimed = BrandInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(accepted_at=timezone.now())
    if not claimed:
        raise Conflict(_("This invitation was just used or revoked."))
    member = BrandMember.objects.create(user=user, brand=invitation.brand, role=BrandMember.Role.MEMBER)
    audit_record(actor=user, action="brand.member_joined", target=invitation.brand, data={"email": invitation.email})
    if invitation.invited_by is not None:
        notification_send(
            user=invitation.invited_by,
            verb="brand.member_joined",
            message=_("%(user)s accepted your invitation and joined %(brand)s.")
            % {"user": user.get_username(), "brand": invitation.brand.name},
            url=reverse("brand:team"),
        )
    return member


def brand_invitation_accept(*, token: str, user: User) -> BrandMember:
    """A logged-in user joins the brand through an invitation link."""
    invitation = brand_invitation_for_token(token)
    if invitation is None:
        raise DomainError(_("This invitation link is invalid, expired or already used. Ask for a new one."))
    with transaction.atomic():
        return _invitation_claim(invitation=invitation, user=user)


def brand_invitation_accept_new_user(*, token: str, username: str, password: str) -> BrandMember:
    """Someone without an account joins the brand: a login with the invited email, then the membership."""
    invitation = brand_invitation_for_token(token)
    if invitation is None:
        raise DomainError(_("This invitation link is invalid, expired or already used. Ask for a new one."))
    try:
        with transaction.atomic():
            user = _user_create(username=username, email=invitation.email, password=password)
            return _invitation_claim(invitation=invitation, user=user)
    except IntegrityError as exc:
        raise Conflict(_("This username was just taken; choose another."), field="username") from exc


def brand_invitation_revoke(*, invitation: BrandInvitation, by: User) -> BrandInvitation:
    _require_owner(brand=invitation.brand, by=by)
    with transaction.atomic():
        revoked = BrandInvitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not revoked:
            raise Conflict(_("This invitation was already accepted or revoked."))
        invitation.refresh_from_db()
        audit_record(
            actor=by, action="brand.invitation_revoked", target=invitation.brand, data={"email": invitation.email}
        )
    return invitation


def brand_member_remove(*, member: BrandMember, by: User) -> None:
    """An owner removes a teammate; owners themselves leave only through a moderator."""
    _require_owner(brand=member.brand, by=by)
    if member.role == BrandMember.Role.OWNER:
        raise DomainError(_("Owners cannot be removed here; contact us to transfer ownership."))
    with transaction.atomic():
        audit_record(
            actor=by, action="brand.member_removed", target=member.brand, data={"user": member.user.get_username()}
        )
        member.delete()


def brand_profile_update(*, brand: Brand, by: User, fields: dict, niches: Iterable[Niche]) -> Brand:
    """An owner edits the brand's public details."""
    _require_owner(brand=brand, by=by)
    unknown = set(fields) - set(BRAND_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable brand fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Brand.objects.select_for_update().get(pk=brand.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        locked.industry_niches.set(niches)
        audit_record(actor=by, action="brand.profile_updated", target=locked, data={"fields": sorted(fields)})
    return locked


# --- Shortlists: a brand's saved lists of creators (discovery) -----------------------------------
# Any member of the brand may change its lists; the views look lists up inside the user's brand
# (brands.selectors), and these services check membership again so no other caller can skip it.


def _require_brand_member(*, brand_id: int, by: User) -> None:
    if actor_for(by).brand_id != brand_id:
        raise NotAllowed(_("Only members of this brand can change its shortlists."))


def _shortlist_name(*, brand_id: int, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Give the shortlist a name."), field="name")
    if "\x00" in name:  # the add-to-shortlist button posts a raw name; no database column stores NUL
        raise DomainError(str(ProhibitNullCharactersValidator.message), field="name")
    max_length = Shortlist._meta.get_field("name").max_length
    if max_length is not None and len(name) > max_length:
        raise DomainError(_("Keep the name under 120 characters."), field="name")
    taken = Shortlist.objects.filter(brand_id=brand_id, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise DomainError(_("You already have a shortlist called “%(name)s”.") % {"name": name}, field="name")
    return name


def shortlist_create(*, brand: Brand, name: str, by: User) -> Shortlist:
    _require_brand_member(brand_id=brand.pk, by=by)
    shortlist = Shortlist(brand=brand, name=_shortlist_name(brand_id=brand.pk, name=name), created_by=by)
    shortlist.full_clean()
    try:
        with transaction.atomic():
            shortlist.save()
    except IntegrityError as exc:  # a teammate created the same name a moment ago
        raise Conflict(_("You already have a shortlist called “%(name)s”.") % {"name": shortlist.name}) from exc
    return shortlist


def shortlist_rename(*, shortlist: Shortlist, name: str, by: User) -> Shortlist:
    _require_brand_member(brand_id=shortlist.brand_id, by=by)
    shortlist.name = _shortlist_name(brand_id=shortlist.brand_id, name=name, exclude_pk=shortlist.pk)
    shortlist.full_clean()
    try:
        with transaction.atomic():
            shortlist.save(update_fields=["name", "updated_at"])
    except IntegrityError as exc:
        raise Conflict(_("You already have a shortlist called “%(name)s”.") % {"name": shortlist.name}) from exc
    return shortlist


def shortlist_delete(*, shortlist: Shortlist, by: User) -> None:
    _require_brand_member(brand_id=shortlist.brand_id, by=by)
    with transaction.atomic():
        audit_record(
            actor=by,
            action="shortlist.deleted",
            target=shortlist.brand,
            data={"shortlist": shortlist.name, "entries": shortlist.entries.count()},
        )
        shortlist.delete()


def shortlist_entry_add(
    *, shortlist: Shortlist, influencer: Influencer, by: User, note: str = ""
) -> tuple[ShortlistEntry, bool]:
    """Put a creator on a list; adding one that is already there keeps the entry (and says so)."""
    _require_brand_member(brand_id=shortlist.brand_id, by=by)
    if not influencer.is_visible_to_brands:
        raise DomainError(_("This creator cannot be added right now."))
    existing = ShortlistEntry.objects.filter(shortlist=shortlist, influencer=influencer).first()
    if existing is not None:
        return existing, False
    entry = ShortlistEntry(shortlist=shortlist, influencer=influencer, note=(note or "").strip(), added_by=by)
    entry.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            entry.save()
            Shortlist.objects.filter(pk=shortlist.pk).update(updated_at=timezone.now())
    except IntegrityError:  # added by a teammate at the same moment: the entry exists, which is the goal
        return ShortlistEntry.objects.get(shortlist=shortlist, influencer=influencer), False
    return entry, True


def shortlist_entry_remove(*, entry: ShortlistEntry, by: User) -> None:
    _require_brand_member(brand_id=entry.shortlist.brand_id, by=by)
    with transaction.atomic():
        entry.delete()
        Shortlist.objects.filter(pk=entry.shortlist_id).update(updated_at=timezone.now())


def shortlist_entry_note(*, entry: ShortlistEntry, note: str, by: User) -> ShortlistEntry:
    _require_brand_member(brand_id=entry.shortlist.brand_id, by=by)
    entry.note = (note or "").strip()
    entry.full_clean(validate_unique=False)
    entry.save(update_fields=["note"])
    return entry
