"""Compatibility name for :mod:`equity.readers` (the readers used to live here)."""

from __future__ import annotations

from equity import readers
from equity.readers import *  # noqa: F403  (the same public names, listed once there)

__all__ = list(readers.__all__)
