"""`python -m cooperative_security.cli` runs the command line, as `coopsec` does."""

from . import entry_point

entry_point()
