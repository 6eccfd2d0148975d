"""Writes on giveaway draws: upload the entries, publish the commitment, draw the winners.

Only the collaboration's two parties act (collaboration_party: staff and outsiders get NotAllowed),
and only while neither party nor the campaign is stopped by moderation (participation Step.DRAW).
Each step moves the draw forward with a conditional UPDATE on its status, so a committed draw can
never be edited and of two concurrent draws exactly one wins. `draw_run` is the one place a draw
completes: the "draw completed" webhook event is emitted there.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError
from influencers.taxonomy import WorkKind

from ..domain import WORK_IN_PROGRESS
from ..draw_algorithm import (
    ENTRY_ID_PATTERN,
    entries_apply_rule,
    entry_id_canonical,
    entry_list_sha256,
    entry_list_text,
    sha256_hex,
    winners_draw,
)
from ..draws import MAX_ENTRIES_CSV_BYTES, MAX_ENTRY_ROWS, MAX_EXCLUDED, GiveawayDraw
from ..models import Campaign, Collaboration
from ..participation import Step, participation_require
from ..webhook_models import EventType
from ..webhooks import draw_data, webhook_collaboration_event
from .transitions import collaboration_party

Status = GiveawayDraw.Status
HANDLE_COLUMN = "handle"
SEED_BYTES = 32


def _require_drawable(*, collaboration: Collaboration, by: User) -> None:
    """The caller is a party, may take part now, and the collaboration is a running giveaway."""
    party = collaboration_party(collaboration=collaboration, user=by)
    campaign = collaboration.campaign
    participation_require(step=Step.DRAW, campaign=campaign, influencer=collaboration.influencer, party=party)
    if campaign.kind != WorkKind.GIVEAWAY:
        raise DomainError(_("Only a giveaway campaign has a draw."))
    if collaboration.status not in WORK_IN_PROGRESS | {Collaboration.Status.COMPLETED}:
        raise DomainError(_("The draw belongs to accepted work: accept the collaboration first."))


def _entries_parse(entries_csv: str) -> list[str]:
    """The canonical entry ids of a CSV with a `handle` column; DomainError names the first bad rows."""
    if len(entries_csv.encode()) > MAX_ENTRIES_CSV_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_ENTRIES_CSV_BYTES // (1024 * 1024)},
            field="entries_csv",
        )
    if not entries_csv.strip():
        raise DomainError(_("The file is empty: upload a CSV with a “handle” column."), field="entries_csv")
    reader = csv.reader(io.StringIO(entries_csv.lstrip("\ufeff")))
    try:
        header = [name.strip().lower() for name in next(reader)]
        rows = list(reader)
    except csv.Error as error:
        raise DomainError(
            _("This is not a readable CSV file: %(error)s") % {"error": error}, field="entries_csv"
        ) from error
    if HANDLE_COLUMN not in header:
        raise DomainError(
            _("The CSV needs a “handle” column; its columns are: %(columns)s.") % {"columns": ", ".join(header)},
            field="entries_csv",
        )
    column = header.index(HANDLE_COLUMN)
    if len(rows) > MAX_ENTRY_ROWS:
        raise DomainError(
            _("At most %(max)d entries per draw; the file has %(rows)d.") % {"max": MAX_ENTRY_ROWS, "rows": len(rows)},
            field="entries_csv",
        )
    entries, bad = [], []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are not entries
        entry = entry_id_canonical(row[column]) if column < len(row) else ""
        if ENTRY_ID_PATTERN.match(entry):
            entries.append(entry)
        else:
            bad.append(str(line))
    if bad:
        raise DomainError(
            _("Line(s) %(lines)s have no valid handle (letters, digits, “.”, “_”, “-”; at most 100).")
            % {"lines": ", ".join(bad[:10]) + ("…" if len(bad) > 10 else "")},
            field="entries_csv",
        )
    if not entries:
        raise DomainError(_("The file has a header but no entries."), field="entries_csv")
    return entries


def _excluded_parse(excluded_handles: Iterable[str]) -> list[str]:
    excluded = sorted({entry_id_canonical(handle) for handle in excluded_handles if handle.strip()})
    if len(excluded) > MAX_EXCLUDED:
        raise DomainError(_("At most %(max)d excluded accounts.") % {"max": MAX_EXCLUDED}, field="excluded_handles")
    invalid = [handle for handle in excluded if not ENTRY_ID_PATTERN.match(handle)]
    if invalid:
        raise DomainError(
            _("These are not valid handles: %(handles)s.") % {"handles": ", ".join(invalid[:10])},
            field="excluded_handles",
        )
    return excluded


def draw_entries_upload(
    *,
    collaboration: Collaboration,
    by: User,
    entries_csv: str,
    excluded_handles: Iterable[str] = (),
    winners_count: int | None = None,
) -> GiveawayDraw:
    """Parse the entries, apply the rule (one entry per account, exclusions) and store the canonical list.

    Replaces an earlier upload that is not committed yet; bad input raises DomainError and writes nothing.
    """
    _require_drawable(collaboration=collaboration, by=by)
    campaign: Campaign = collaboration.campaign
    if campaign.entry_end_date and timezone.localdate() < campaign.entry_end_date:
        raise DomainError(
            _("Entries close on %(date)s; upload them after that.") % {"date": campaign.entry_end_date},
            field="entries_csv",
        )
    excluded = _excluded_parse(excluded_handles)
    entries, counts = entries_apply_rule(_entries_parse(entries_csv), excluded)
    count = winners_count if winners_count is not None else (campaign.winners_count or 1)
    if not 1 <= count <= 1000:
        raise DomainError(_("Between 1 and 1,000 winners."), field="winners_count")
    if count > counts.eligible:
        raise DomainError(
            _("%(winners)d winners, but only %(eligible)d eligible entries after the rule.")
            % {"winners": count, "eligible": counts.eligible},
            field="winners_count",
        )
    fields = {
        "excluded_handles": excluded,
        "winners_count": count,
        "entries_text": entry_list_text(entries),
        "entries_sha256": entry_list_sha256(entries),
        "raw_count": counts.raw,
        "duplicates_removed": counts.duplicates_removed,
        "excluded_removed": counts.excluded_removed,
        "eligible_count": counts.eligible,
        "uploaded_by": by,
        "uploaded_at": timezone.now(),
    }
    with transaction.atomic():
        Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()  # one upload at a time
        draw = GiveawayDraw.objects.filter(collaboration=collaboration).first()
        if draw is None:
            draw = GiveawayDraw(collaboration=collaboration, **fields)
            draw.full_clean()
            draw.save()
        elif GiveawayDraw.objects.filter(pk=draw.pk, status=Status.UPLOADED).update(**fields) == 0:
            raise Conflict(_("The commitment for this draw is published: its entries can no longer change."))
        draw.refresh_from_db()
        audit_record(
            actor=by,
            action="giveaway.entries_uploaded",
            target=draw,
            data={"entries_sha256": draw.entries_sha256, "raw": counts.raw, "eligible": counts.eligible},
        )
    return draw


def draw_commit(*, draw: GiveawayDraw, by: User) -> GiveawayDraw:
    """Draw the secret seed and publish the commitment: the entry list's hash and the seed's hash."""
    _require_drawable(collaboration=draw.collaboration, by=by)
    seed = secrets.token_bytes(SEED_BYTES)
    with transaction.atomic():
        claimed = GiveawayDraw.objects.filter(pk=draw.pk, status=Status.UPLOADED).update(
            status=Status.COMMITTED,
            seed_hex=seed.hex(),
            seed_sha256=sha256_hex(seed),
            committed_by=by,
            committed_at=timezone.now(),
        )
        if claimed == 0:
            raise Conflict(_("The commitment for this draw is already published."))
        draw.refresh_from_db()
        audit_record(
            actor=by,
            action="giveaway.committed",
            target=draw,
            data={"entries_sha256": draw.entries_sha256, "seed_sha256": draw.seed_sha256},
        )
    return draw


def draw_run(*, draw: GiveawayDraw, by: User) -> GiveawayDraw:
    """Draw the winners from the committed seed and entry list, reveal the seed, announce the winners.

    The one place a draw completes; the collaboration's giveaway deliverable is marked announced.
    """
    collaboration = draw.collaboration
    _require_drawable(collaboration=collaboration, by=by)
    if draw.status == Status.UPLOADED:
        raise DomainError(_("Publish the commitment before drawing the winners."))
    winners = winners_draw(bytes.fromhex(draw.seed_hex), draw.entries(), draw.winners_count)
    now = timezone.now()
    with transaction.atomic():
        claimed = GiveawayDraw.objects.filter(pk=draw.pk, status=Status.COMMITTED).update(
            status=Status.DRAWN, winners=winners, drawn_by=by, drawn_at=now
        )
        if claimed == 0:
            raise Conflict(_("The winners of this draw are already drawn."))
        # Recorded with the collaboration's deliverables: the winners of this creator's giveaway are announced.
        Collaboration.objects.filter(pk=collaboration.pk).update(is_giveaway_winner_announced=True, updated_at=now)
        Campaign.objects.filter(pk=collaboration.campaign_id, winners_announced_at__isnull=True).update(
            winners_announced_at=now, updated_at=now
        )
        draw.refresh_from_db()
        audit_record(
            actor=by,
            action="giveaway.drawn",
            target=draw,
            data={"winners": winners, "seed": draw.seed_hex, "entries_sha256": draw.entries_sha256},
        )
        # The "draw completed" webhook: written with the draw, sent once it commits (campaigns/webhooks.py).
        webhook_collaboration_event(
            event_type=EventType.DRAW_COMPLETED, collaboration=collaboration, extra={"draw": draw_data(draw)}
        )
    return draw
