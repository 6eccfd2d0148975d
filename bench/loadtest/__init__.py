"""Load test: concurrent users against gunicorn on PostgreSQL (`make load`, bench/loadtest/harness.py)."""
