"""One module per command group; importing a module registers its commands on the app."""

from syndetect_cli.commands import core  # noqa: F401
