"""Running ASGI code in tests."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run_coroutine(coroutine: Any) -> Any:
    """Run ``coroutine`` to the end in a thread of its own and return its result: the browser
    tests leave an event loop running in the test process's main thread, where
    ``asyncio.run`` would refuse."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
