"""Shortlists (/brand/shortlists/): list, create, rename, delete, entries with notes, CSV export.

Lists are looked up inside the user's brand, so another brand's list is a 404. Writes go through
brands/services.py; their DomainErrors become messages next to the field they name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.csv_export import csv_row
from influencers.access import actor_of
from influencers.kernel.errors import DomainError
from influencers.kernel.http import BrandRequest
from influencers.models import Influencer
from influencers.overlap_selectors import UNION_MAX, audience_overlap
from influencers.selectors import audience_of
from influencers.taxonomy import AGE_FIELDS, GENDER_FIELDS, AgeBand, Gender

from .models import Shortlist
from .selectors import brand_shortlists, shortlist_entries, shortlist_export_entries, shortlist_for_brand
from .services import (
    shortlist_create,
    shortlist_delete,
    shortlist_entry_add,
    shortlist_entry_note,
    shortlist_entry_remove,
    shortlist_rename,
)
from .views import brand_member_required

if TYPE_CHECKING:
    from .selectors import ListedEntry


class ShortlistNameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)


class EntryNoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _service_error(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- lists ------------------------------------------------------------------------------------


@brand_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def shortlist_list(request: BrandRequest) -> HttpResponse:
    form = ShortlistNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shortlist = shortlist_create(brand=request.brand, name=form.cleaned_data["name"], by=request.user)
        except DomainError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Shortlist “%(name)s” created.") % {"name": shortlist.name})
            return redirect("shortlists:detail", pk=shortlist.pk)
    return render(
        request,
        "brands/shortlist_list.html",
        {"shortlists": brand_shortlists(actor=actor_of(request)), "form": form},
        status=400 if form.errors else 200,
    )


@brand_member_required
@require_safe
def shortlist_detail(request: BrandRequest, pk: int) -> HttpResponse:
    shortlist = shortlist_for_brand(actor=actor_of(request), pk=pk)
    return _detail_page(request, shortlist, ShortlistNameForm(initial={"name": shortlist.name}))


def _detail_page(request: HttpRequest, shortlist: Shortlist, rename_form: ShortlistNameForm) -> HttpResponse:
    entries = list(shortlist_entries(shortlist=shortlist))
    creators = [entry.influencer for entry in entries if entry.available]  # never a hidden creator's numbers
    overlap = None
    if creators:
        # Also for one creator (its sample or "no sample"), so the page's queries do not depend on the
        # list's length. The first UNION_MAX creators of the list: the page says so when it holds more.
        overlap = audience_overlap(influencers=creators[:UNION_MAX])
    return render(
        request,
        "brands/shortlist_detail.html",
        {
            "shortlist": shortlist,
            "entries": entries,
            "overlap": overlap,
            "overlap_limit": UNION_MAX if len(creators) > UNION_MAX else None,
            "rename_form": rename_form,
            "compare_max": 4,
        },
        status=400 if rename_form.errors else 200,
    )


@brand_member_required
@require_POST
def shortlist_rename_view(request: BrandRequest, pk: int) -> HttpResponse:
    shortlist = shortlist_for_brand(actor=actor_of(request), pk=pk)
    form = ShortlistNameForm(request.POST)
    if form.is_valid():
        try:
            shortlist_rename(shortlist=shortlist, name=form.cleaned_data["name"], by=request.user)
        except DomainError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Renamed to “%(name)s”.") % {"name": shortlist.name})
            return redirect("shortlists:detail", pk=shortlist.pk)
    shortlist.refresh_from_db(fields=["name"])
    return _detail_page(request, shortlist, form)


@brand_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def shortlist_delete_view(request: BrandRequest, pk: int) -> HttpResponse:
    shortlist = shortlist_for_brand(actor=actor_of(request), pk=pk)
    if request.method == "POST":
        name = shortlist.name
        shortlist_delete(shortlist=shortlist, by=request.user)
        messages.success(request, _("Shortlist “%(name)s” deleted.") % {"name": name})
        return redirect("shortlists:list")
    return render(
        request,
        "brands/shortlist_confirm_delete.html",
        {"shortlist": shortlist, "entry_count": shortlist.entries.count()},
    )


# --- entries ------------------------------------------------------------------------------------


@brand_member_required
@require_POST
def shortlist_add(request: BrandRequest) -> HttpResponse:
    """Add a creator to a chosen list, or to a new one (named, or "My shortlist")."""
    handle = request.POST.get("influencer", "")
    if "\x00" in handle:  # no handle holds NUL, and PostgreSQL cannot compare text with it
        raise Http404
    influencer = get_object_or_404(Influencer.objects.visible_to_brands(), handle=handle)
    shortlists = list(brand_shortlists(actor=actor_of(request)))
    chosen = request.POST.get("shortlist", "")
    try:
        if chosen:
            shortlist = next((s for s in shortlists if str(s.pk) == chosen), None)
            if shortlist is None:
                raise DomainError(_("Choose one of your shortlists."), field="shortlist")
        else:
            name = (request.POST.get("new_name") or "").strip() or _("My shortlist")
            existing = next((s for s in shortlists if s.name.lower() == name.lower()), None)
            shortlist = existing or shortlist_create(brand=request.brand, name=name, by=request.user)
        _entry, created = shortlist_entry_add(shortlist=shortlist, influencer=influencer, by=request.user)
    except DomainError as error:
        if request.htmx:
            context = {"influencer": influencer, "shortlists": shortlists, "error": error.message, "compact": True}
            return render(request, "brands/shortlist_add_form.html", context, status=400)
        messages.error(request, error.message)
        return _back(request, reverse("influencers:profile", args=[influencer.handle]))
    text = _("@%(handle)s added to “%(name)s”.") if created else _("@%(handle)s is already on “%(name)s”.")
    text = text % {"handle": influencer.handle, "name": shortlist.name}
    if request.htmx:
        return render(request, "brands/shortlist_added.html", {"text": text, "shortlist": shortlist})
    messages.success(request, text)
    return _back(request, reverse("shortlists:detail", args=[shortlist.pk]))


def _entry(request: HttpRequest, pk: int, entry_pk: int) -> ListedEntry:
    shortlist = shortlist_for_brand(actor=actor_of(request), pk=pk)
    entry = get_object_or_404(shortlist_entries(shortlist=shortlist), pk=entry_pk)
    entry.shortlist = shortlist
    return entry


def _entry_label(entry: ListedEntry) -> str:
    """How messages name an entry: its handle, or nothing of a creator that is no longer available."""
    return f"@{entry.influencer.handle}" if entry.available else _("a creator who is no longer available")


@brand_member_required
@require_POST
def entry_note(request: BrandRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _entry(request, pk, entry_pk)
    form = EntryNoteForm(request.POST)
    saved = False
    if form.is_valid():
        shortlist_entry_note(entry=entry, note=form.cleaned_data["note"], by=request.user)
        saved = True
    if request.htmx:
        return render(
            request,
            "brands/shortlist_note_form.html",
            {"entry": entry, "shortlist": entry.shortlist, "note_form": form, "saved": saved},
            status=200 if saved else 400,
        )
    if saved:
        messages.success(request, _("Note saved for %(creator)s.") % {"creator": _entry_label(entry)})
    else:
        messages.error(request, "; ".join(map(str, form.errors.get("note", []))))
    return redirect("shortlists:detail", pk=pk)


@brand_member_required
@require_POST
def entry_remove(request: BrandRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _entry(request, pk, entry_pk)
    label = _entry_label(entry)
    shortlist_entry_remove(entry=entry, by=request.user)
    if request.htmx:
        return HttpResponse("")  # the row swaps itself out
    messages.success(request, _("%(creator)s removed from the list.") % {"creator": label})
    return redirect("shortlists:detail", pk=pk)


# --- CSV export ---------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds a streaming response."""

    def write(self, value: str) -> str:
        return value


def _export_rows(request: HttpRequest, shortlist: Shortlist) -> Iterator[list[object]]:
    yield [
        _("Handle"),
        _("Name"),
        _("Profile"),
        _("Tier"),
        _("Followers"),
        _("Engagement rate (%)"),
        _("30-day growth (%)"),
        _("Credibility"),
        _("Country"),
        _("City"),
        _("Niches"),
        _("Cheapest offer (EUR)"),
        _("Platforms (followers)"),
        *[_("Audience %(band)s (%%)") % {"band": band.label} for band in AgeBand],
        *[_("Audience %(gender)s (%%)") % {"gender": gender.label} for gender in Gender],
        _("Audience top countries"),
        _("Audience as of"),
        _("Note"),
        _("Added"),
        _("Added by"),
        _("Metrics updated"),
    ]
    for entry in shortlist_export_entries(shortlist=shortlist).iterator(chunk_size=500):
        influencer = entry.influencer
        if not entry.available:
            # Suspended, rejected or paused since it was added: none of the creator's data leaves.
            yield [
                "",
                _("No longer available"),
                *[""] * (10 + EXPORT_AUDIENCE_COLUMNS),
                entry.note,
                entry.added_at.date().isoformat(),
                entry.added_by.get_username() if entry.added_by else "",
                "",
            ]
            continue
        yield [
            influencer.handle,
            influencer.display_name,
            request.build_absolute_uri(reverse("influencers:profile", args=[influencer.handle])),
            influencer.get_tier_display(),
            influencer.total_followers,
            _percent(influencer.engagement_rate),
            _percent(influencer.follower_growth_30d),
            "" if influencer.credibility_score is None else influencer.credibility_score,
            influencer.country,
            influencer.city,
            ", ".join(niche.label for niche in influencer.niches.all()),
            "" if entry.cheapest_offer_price is None else Decimal(f"{entry.cheapest_offer_price:.2f}"),
            *_audience_cells(influencer),
            entry.note,
            entry.added_at.date().isoformat(),
            entry.added_by.get_username() if entry.added_by else "",
            influencer.metrics_updated_at.isoformat() if influencer.metrics_updated_at else "",
        ]


# Platforms, one column per age band and gender, top countries, as-of date.
EXPORT_AUDIENCE_COLUMNS = 1 + len(AgeBand) + len(Gender) + 2


def _audience_cells(influencer: Influencer) -> list[object]:
    platforms = "; ".join(
        f"{account.get_platform_display()} @{account.handle} {account.followers}"
        for account in influencer.accounts.all()
    )
    audience = audience_of(influencer)
    if audience is None:
        return [platforms, *[""] * (EXPORT_AUDIENCE_COLUMNS - 1)]
    countries = "; ".join(
        f"{country.country} {_percent(country.share)}" for country in list(audience.countries.all())[:5]
    )
    return [
        platforms,
        *[_percent(getattr(audience, field)) for field in AGE_FIELDS.values()],
        *[_percent(getattr(audience, field)) for field in GENDER_FIELDS.values()],
        countries,
        audience.as_of.isoformat(),
    ]


def _percent(fraction: float | None) -> Decimal | str:
    # A number, not text: csv_cell leaves numbers alone, so a negative growth stays a number.
    return "" if fraction is None else Decimal(f"{fraction * 100:.2f}")


@brand_member_required
@require_safe
def shortlist_export(request: BrandRequest, pk: int) -> StreamingHttpResponse:
    shortlist = shortlist_for_brand(actor=actor_of(request), pk=pk)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        for row in _export_rows(request, shortlist):
            yield writer.writerow(csv_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"shortlist-{slugify(shortlist.name) or shortlist.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
