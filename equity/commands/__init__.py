"""Sub-commands of ``python -m equity``; one module each, each with ``register(subparsers)``."""
