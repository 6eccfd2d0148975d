"""Settings of the load test's gunicorn: production settings, one difference in how static files are collected.

WhiteNoise's CompressedManifestStaticFilesStorage pre-compresses every collected file (gzip and
brotli, ~2 minutes of CPU here, mostly the Swagger UI bundle) on every collectstatic. The load test
requests pages, not static files, so it collects with Django's ManifestStaticFilesStorage: the pages
carry the same hashed static URLs and need the same manifest, collected in seconds. WhiteNoise still
serves the files.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
