"""Rows built once for a whole test module, for the modules whose every test needs the same large world.

The world is created inside a transaction that stays open for the module and is rolled back after its
last test. pytest-django's `db` fixture runs each test inside a savepoint of that transaction (Django's
TestCase nests its atomic blocks), so whatever a test writes is undone before the next one sees the
world: each test starts from exactly the rows a per-test fixture would have built, for the price of one
build. Tests get a deep copy of the Python objects, so one test changing an instance in memory cannot
leak into another either.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import transaction

T = TypeVar("T")


def built_once(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """Use from a module-scoped fixture: `yield from built_once(django_db_blocker, build_world)`."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def fresh_copy(world: T) -> T:
    return copy.deepcopy(world)
