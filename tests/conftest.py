import os
from collections.abc import Generator
from pathlib import Path

import pytest

from tests.module_world import FAST_PASSWORD_HASHERS
from tests.services import missing_service, services_required

# Browser tests run Django's live server in a thread next to Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SERVICE_MARKERS = ("postgres", "redis", "celery_worker", "browser")

# The fast lane (`make test-fast`) deselects `slow`; the full suite (`make test`) runs everything in
# parallel (pytest-xdist) except `serial`, which runs after, alone. Both are set here from where a test
# lives and what it uses, never from its name, so a new test is classified as soon as it is written.
# Slow: needs a service, a browser, a live server or a real worker, or says so with @pytest.mark.slow.
SLOW_DIRS = ("e2e", "reliability")
SLOW_MARKERS = (*SERVICE_MARKERS, "slow", "serial")
SLOW_FIXTURES = ("live_server", "page", "celery_worker", "celery_app")
# Serial: shares something xdist workers cannot share — the one test Redis database (queues, counters),
# real Celery workers on it, or the fixed port ranges of private Redis/PostgreSQL/gunicorn instances.
SERIAL_DIRS = ("reliability",)
SERIAL_MARKERS = ("redis", "celery_worker")
TESTS_ROOT = Path(__file__).resolve().parent
# The files that cost most, slowest first. Under xdist (`--dist loadfile --no-loadscope-reorder`) each
# worker takes whole files in collection order, so starting these first keeps one long file from being
# the last thing running while the other worker idles. Measured wall times (README "Tests"): schemathesis
# alone is ~8 minutes and sets the floor of `make test`. Order only: nothing is skipped or merged.
COSTLIEST_FIRST = (
    "api/test_schemathesis.py",
    "security/test_hostile_input.py",
    "security/test_authz_matrix.py",
    "security/test_hostile_api.py",
    "campaigns/test_evaluation.py",
    "security/test_csp.py",
    "influencers/test_import_hostile.py",
    "influencers/test_import_concurrency.py",
    "test_permission_matrix.py",
)


def _top_folder(item: pytest.Item) -> str:
    try:
        relative = Path(item.path).resolve().relative_to(TESTS_ROOT)
    except ValueError:  # a test file outside tests/
        return ""
    return relative.parts[0] if len(relative.parts) > 1 else ""


def _cost_rank(item: pytest.Item) -> int:
    try:
        relative = Path(item.path).resolve().relative_to(TESTS_ROOT).as_posix()
    except ValueError:
        return len(COSTLIEST_FIRST)
    return COSTLIEST_FIRST.index(relative) if relative in COSTLIEST_FIRST else len(COSTLIEST_FIRST)


def _is_serial(item: pytest.Item) -> bool:
    return _top_folder(item) in SERIAL_DIRS or any(item.get_closest_marker(m) for m in SERIAL_MARKERS)


def _is_slow(item: pytest.Item) -> bool:
    return (
        _top_folder(item) in SLOW_DIRS
        or any(item.get_closest_marker(m) for m in SLOW_MARKERS)
        or any(f in getattr(item, "fixturenames", ()) for f in SLOW_FIXTURES)
    )


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Generator[None, None, None]:
    """Marks before every other implementation, so `-m "not slow"` and `-m serial` see them; orders after.

    The order comes last because pytest-django moves transactional tests to the end, which would put
    schemathesis, the costliest file, last of all.
    """
    for item in items:
        if _is_serial(item):
            item.add_marker(pytest.mark.serial)
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)
    yield
    items.sort(key=_cost_rank)  # stable: within a file, and among the other files, collection order stays


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in SERVICE_MARKERS:
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing_service(marker)
        if reason is None:
            continue
        if services_required():
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files (avatars, imports) go to a per-test folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_lockouts_between_tests(settings):
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counters():
    """Rate-limit counters (config/ratelimit.py) live in the cache: each test starts with none.

    Only the per-process memory cache is cleared; a Redis cache is never flushed from a test.
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _reads_from_the_primary(settings):
    """With DATABASE_REPLICA_URL set, its alias mirrors the default test database, and no request reads it.

    A test's rows are uncommitted (or written a moment ago) on the primary, and pytest-django lets a test
    use only the aliases it names, so routing reads would only measure replication lag. The routing itself
    is tested in tests/test_db_router.py and against a real standby in tests/test_read_replica.py.
    """
    if "replica" in settings.DATABASES:
        settings.DATABASE_REPLICA_PATHS = ()


@pytest.fixture(autouse=True)
def _language_reset_after_each_test():
    """A page request in Dutch leaves Dutch active in the thread (LocaleMiddleware never deactivates it);
    the next test then read its service errors in Dutch. Each test starts from the default language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set passwords for every user; the production hasher's cost is pointless here."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _celery_eager_unless_worker_test(request: pytest.FixtureRequest):
    """Tasks run in-process in ordinary tests, even when CELERY_BROKER_URL points at Redis (CI).

    Only tests marked `celery_worker` talk to the broker and a real worker, so no stray task
    is left in a queue for a later test's worker to pick up.
    """
    from config.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def _reseed_niches_after_flush(sender, using: str, **kwargs) -> None:
    """A transactional test ends with a flush, which empties the niche taxonomy that a data migration seeded.

    Django emits post_migrate after that flush, so the taxonomy is put back here for the next test that
    shares the database (an xdist worker runs many modules on one test database).
    """
    from django.apps import apps

    if sender.name != "influencers":
        return
    Niche = apps.get_model("influencers", "Niche")
    from influencers.taxonomy import NICHES

    if Niche.objects.using(using).count() < len(NICHES):
        for slug, name in NICHES:
            Niche.objects.using(using).update_or_create(slug=slug, defaults={"name": name})


def pytest_configure(config: pytest.Config) -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(_reseed_niches_after_flush, dispatch_uid="tests.reseed_niches")
