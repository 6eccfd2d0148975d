"""python -m bench.loadtest [--scale N] [--users 50] [--duration 60] [--reuse] … (see harness.py)."""

import sys

from .harness import LoadTestError, main

try:
    sys.exit(main())
except LoadTestError as error:
    print(f"Load test could not run: {error}", file=sys.stderr)
    sys.exit(2)
