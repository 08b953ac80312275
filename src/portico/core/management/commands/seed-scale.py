"""`portico seed-scale`, the spelling the docs use (the module is seed_scale)."""

from portico.core.management.commands.seed_scale import Command

__all__ = ["Command"]
