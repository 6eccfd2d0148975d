"""The kernel: cross-app pieces every app may import (the bottom of campaigns -> brands -> influencers).

errors (domain errors), emails (the one email path), queueing (publishing engine tasks on commit),
runs (engine-run bookkeeping), admin_base and admin_ownership (building blocks of the three admins).
Its tables (AuditEvent, Notification, EngineRun) stay in influencers/models.py.
"""
