"""Every email the product sends goes through `email_send`: after commit, by a Celery task, never failing a request.

- Header values (subject, recipient) become one line without control characters, so a line break
  in a message, a campaign title or a moderation reason can neither add a header nor make Django
  raise `BadHeaderError` in the middle of a request whose write has already committed.
- The email is queued once the transaction commits (`robust`: a failing callback is logged and the
  next ones still run), so a rolled-back action sends nothing and one bad email never swallows the
  other notifications of the same action.
- The task (influencers.tasks.email_deliver_task) retries a transient failure (the mail server is
  down, drops the connection or answers 4xx) with exponential backoff and logs every failure; a
  permanent one (5xx, a refused recipient) is logged once. Without a broker (the demo) the task runs
  in-process and its retries follow at once; when the broker is unreachable the email is sent
  in-process once instead of being dropped.
"""

from __future__ import annotations

import logging
import smtplib
import unicodedata

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from .queueing import enqueue

logger = logging.getLogger(__name__)

EMAIL_TASK = "influencers.tasks.email_deliver_task"
EMAIL_MAX_RETRIES = 5  # after the first attempt: 1 + 5 tries over ~31 minutes (1, 2, 4, 8, 16 min apart)
EMAIL_RETRY_FIRST_DELAY = 60  # seconds
EMAIL_RETRY_MAX_DELAY = 3600  # below CELERY_VISIBILITY_TIMEOUT, so a waiting retry is never delivered twice
SUBJECT_MAX_LENGTH = 150

# Characters that end a line somewhere (CR, LF, VT, FF, NEL, U+2028/2029 …) or control a terminal.
_BREAKING_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def header_value(value: str) -> str:
    """One line, no control characters, runs of whitespace as one space, at most SUBJECT_MAX_LENGTH long."""
    spaced = "".join(" " if unicodedata.category(char) in _BREAKING_CATEGORIES else char for char in value)
    text = " ".join(spaced.split())
    if len(text) > SUBJECT_MAX_LENGTH:
        text = text[: SUBJECT_MAX_LENGTH - 1] + "…"
    return text


def email_send(*, to: str, subject: str, body: str) -> None:
    """Send one plain-text email once the current transaction commits (at once outside a transaction)."""
    to, subject = header_value(to), header_value(subject)
    transaction.on_commit(lambda: _queue(to=to, subject=subject, body=body), robust=True)


def _queue(*, to: str, subject: str, body: str) -> None:
    if not enqueue(EMAIL_TASK, to=to, subject=subject, body=body):
        # The broker is down: one attempt now rather than none (enqueue has logged the broker error).
        try:
            email_deliver(to=to, subject=subject, body=body)
        except Exception:
            logger.exception("Email %r could not be queued nor sent to %s", subject, to)


def email_deliver(*, to: str, subject: str, body: str) -> None:
    """One delivery attempt through the configured backend; raises what the backend raises."""
    EmailMessage(subject=header_value(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()


def email_error_is_transient(error: BaseException) -> bool:
    """Worth another try later: network errors and 4xx answers; not a 5xx answer or a refused address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    return isinstance(error, OSError)  # smtplib.SMTPException is an OSError too


def email_retry_delay(retries: int) -> int:
    """Seconds to wait before retry number `retries + 1`: 60, 120, 240 … at most an hour."""
    return min(EMAIL_RETRY_MAX_DELAY, EMAIL_RETRY_FIRST_DELAY * 2**retries)
