"""Writes for saved searches: create, rename, switch the digest on or off, delete, and the daily digest.

Every write by a person checks that they work for the brand and that the brand is in good standing; the
digest (a beat task) claims each search with a conditional UPDATE, so two runs never notify twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import User
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from influencers.access import actor_for
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.notifications import notification_send
from influencers.taxonomy import ModerationStatus

from .models import Brand, BrandMember, SavedSearch
from .selectors import (
    SAVED_SEARCH_QUERY_MAX_LENGTH,
    saved_search_filterset,
    saved_search_new_matches,
    saved_search_query_normalize,
)

logger = logging.getLogger(__name__)

SAVED_SEARCHES_PER_BRAND = 50


def saved_search_url(saved_search: SavedSearch) -> str:
    """The discovery page running this search (a path: notifications and emails add the site)."""
    return f"{reverse('influencers:discover')}?{saved_search.query}"


def _require_member_in_good_standing(*, brand_id: int, by: User) -> None:
    actor = actor_for(by)
    if actor.brand_id != brand_id:
        raise NotAllowed(_("Only members of this brand can change its saved searches."))
    if actor.brand_stopped:
        raise NotAllowed(_("Your brand is suspended or rejected by moderation, so it cannot save searches."))


def _saved_search_name(*, brand_id: int, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Give the saved search a name."), field="name")
    if "\x00" in name:
        raise DomainError(str(ProhibitNullCharactersValidator.message), field="name")
    if len(name) > SavedSearch._meta.get_field("name").max_length:  # type: ignore[operator]
        raise DomainError(_("Keep the name under 80 characters."), field="name")
    taken = SavedSearch.objects.filter(brand_id=brand_id, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise DomainError(_("You already have a saved search called “%(name)s”.") % {"name": name}, field="name")
    return name


def _saved_search_query(*, query: str, by: User) -> str:
    """The normalized query, if it is a valid discovery search with at least one filter."""
    query = saved_search_query_normalize(query or "")
    if len(query) > SAVED_SEARCH_QUERY_MAX_LENGTH:
        raise DomainError(
            _("This search is too long to save (at most %(limit)d characters).")
            % {"limit": SAVED_SEARCH_QUERY_MAX_LENGTH},
            field="query",
        )
    filterset = saved_search_filterset(query=query, user=by)
    if not filterset.is_valid():
        form = filterset.form
        messages = [
            f"{form.fields[field].label}: {message}" if field in form.fields else str(message)
            for field, errors in filterset.errors.items()
            for message in errors
        ]
        raise DomainError(" ".join(messages), field="query")
    if filterset.active_filter_count() == 0:
        raise DomainError(_("Save a search with at least one filter."), field="query")
    return query


def saved_search_create(*, brand: Brand, name: str, query: str, by: User, notify: bool = True) -> SavedSearch:
    """Name the discovery search `query`; creators approved from now on are its "new" matches."""
    _require_member_in_good_standing(brand_id=brand.pk, by=by)
    name = _saved_search_name(brand_id=brand.pk, name=name)
    query = _saved_search_query(query=query, by=by)
    if SavedSearch.objects.filter(brand=brand).count() >= SAVED_SEARCHES_PER_BRAND:
        raise DomainError(
            _("Your brand has %(limit)d saved searches, the most it can keep; delete one first.")
            % {"limit": SAVED_SEARCHES_PER_BRAND}
        )
    saved_search = SavedSearch(
        brand=brand, name=name, query=query, notify=notify, created_by=by, checked_until=timezone.now()
    )
    saved_search.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            saved_search.save()
            audit_record(actor=by, action="saved_search.created", target=brand, data={"name": name, "query": query})
    except IntegrityError as exc:  # a teammate saved the same name a moment ago
        raise Conflict(_("You already have a saved search called “%(name)s”.") % {"name": name}) from exc
    return saved_search


def saved_search_update(
    *, saved_search: SavedSearch, by: User, name: str | None = None, notify: bool | None = None
) -> SavedSearch:
    """Rename it and/or switch its daily digest on or off."""
    _require_member_in_good_standing(brand_id=saved_search.brand_id, by=by)
    fields = []
    if name is not None:
        saved_search.name = _saved_search_name(brand_id=saved_search.brand_id, name=name, exclude_pk=saved_search.pk)
        fields.append("name")
    if notify is not None:
        saved_search.notify = notify
        fields.append("notify")
    if not fields:
        return saved_search
    try:
        with transaction.atomic():
            saved_search.save(update_fields=fields)
    except IntegrityError as exc:
        raise Conflict(_("You already have a saved search called “%(name)s”.") % {"name": saved_search.name}) from exc
    return saved_search


def saved_search_delete(*, saved_search: SavedSearch, by: User) -> None:
    _require_member_in_good_standing(brand_id=saved_search.brand_id, by=by)
    with transaction.atomic():
        audit_record(
            actor=by,
            action="saved_search.deleted",
            target=saved_search.brand,
            data={"name": saved_search.name, "query": saved_search.query},
        )
        saved_search.delete()


# --- The daily digest ----------------------------------------------------------------------------------


def saved_search_digest(*, now: dt.datetime | None = None) -> int:
    """For every saved search with notify on, of an approved brand: tell each member about new matches.

    "New" = approved after the search's `checked_until` and no later than the start of this run, which
    then becomes its `checked_until`. Returns the number of notifications sent.
    """
    run_start = now or timezone.now()
    searches = SavedSearch.objects.filter(
        notify=True, brand__status=ModerationStatus.APPROVED, checked_until__lt=run_start
    ).order_by("pk")
    return sum(_saved_search_digest_one(saved_search=search, run_start=run_start) for search in searches.iterator())


def _saved_search_digest_one(*, saved_search: SavedSearch, run_start: dt.datetime) -> int:
    members = [
        member.user
        for member in BrandMember.objects.filter(brand_id=saved_search.brand_id, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ]
    if not members:
        return 0
    # The matches depend on the brand, not on which member asks ("not yet working with my brand").
    matches = saved_search_new_matches(saved_search=saved_search, user=members[0], until=run_start)
    if matches is None:
        logger.warning("Saved search %s no longer passes the discovery filters: skipped", saved_search.pk)
        return 0
    count = matches.count()
    with transaction.atomic():
        claimed = SavedSearch.objects.filter(pk=saved_search.pk, checked_until=saved_search.checked_until).update(
            checked_until=run_start, last_new_count=count
        )
        if not claimed or not count:  # another run took it, or nothing new: no notification
            return 0
        message = ngettext(
            "%(count)d new creator matches your saved search “%(name)s”.",
            "%(count)d new creators match your saved search “%(name)s”.",
            count,
        ) % {"count": count, "name": saved_search.name}
        url = saved_search_url(saved_search)
        for user in members:
            notification_send(user=user, verb="saved_search.new_matches", message=message, url=url)
    return len(members)
