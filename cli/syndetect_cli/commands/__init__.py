"""One module per command group; importing a module registers its commands on the app."""
# ruff: noqa: I001  (one line per command module, appended as modules arrive)

from syndetect_cli.commands import core  # noqa: F401
from syndetect_cli.commands import evaluate  # noqa: F401
from syndetect_cli.commands import extract  # noqa: F401
from syndetect_cli.commands import report  # noqa: F401
from syndetect_cli.commands import index  # noqa: F401
from syndetect_cli.commands import trace  # noqa: F401
