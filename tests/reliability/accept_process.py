"""A separate process that accepts collaborations when told to (tests/reliability/test_concurrent_accept.py).

Usage: python -m tests.reliability.accept_process USER_ID COLLABORATION_ID...
It loads every collaboration first (as a page would have), prints "ready", then for each line
"go <id>" on stdin accepts that collaboration as the user and prints a JSON line with the outcome:
"ok" or the DomainError's class name (Conflict when the other process won), prefixed with RESULT.
"""

from __future__ import annotations

import json
import sys

RESULT = "RESULT"  # prefix of the outcome lines (anything else on stdout is not ours)


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from campaigns.models import Collaboration
    from campaigns.services import collaboration_accept
    from influencers.kernel.errors import DomainError

    user = get_user_model().objects.get(pk=int(argv[0]))
    seen = Collaboration.objects.in_bulk([int(pk) for pk in argv[1:]])
    connection.ensure_connection()
    print("ready", flush=True)
    for line in sys.stdin:
        pk = int(line.split()[1])
        try:
            collaboration_accept(collaboration=seen[pk], by=user)
            outcome = "ok"
        except DomainError as error:
            outcome = type(error).__name__
        print(RESULT, json.dumps({"collaboration": pk, "outcome": outcome}), flush=True)
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
