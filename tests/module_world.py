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
from django.test import override_settings

T = TypeVar("T")

# Factories set a password for every user; the production hasher's cost is pointless in tests
# (tests/conftest.py applies this per test, and a module's world must be hashed the same way).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def built_once(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """Use from a module-scoped fixture: `yield from built_once(django_db_blocker, build_world)`.

    Module fixtures run before the per-test autouse fixtures of tests/conftest.py, so the build gets
    their settings here: the fast password hasher, and tasks run in-process, never sent to a broker.
    """
    from config.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
            transaction.atomic(),
        ):
            world = build()
            app.conf.task_always_eager, app.conf.task_eager_propagates = saved
            yield world
            transaction.set_rollback(True)
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def fresh_copy(world: T) -> T:
    return copy.deepcopy(world)
