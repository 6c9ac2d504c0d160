"""Test-wide settings.

Property tests explore new random cases on every local run; in CI (``CI=true``) they are
derandomized so that a submission's verdict does not depend on the draw. A failure found
locally is kept as an ``@example`` in its test.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from hypothesis import settings

# A first screen drawn by a test is recorded for later server processes (dashboard/replay.py):
# into a directory of this run, never the checkout. AppTest tests draw live unless a test
# switches replaying on; the browser tests' servers replay as shipped (tests/e2e/conftest.py).
if "EQUITY_CACHE_DIR" not in os.environ:
    os.environ["EQUITY_CACHE_DIR"] = tempfile.mkdtemp(prefix="equity-cache-")
    atexit.register(shutil.rmtree, os.environ["EQUITY_CACHE_DIR"], ignore_errors=True)
os.environ.setdefault("EQUITY_REPLAY", "0")

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
