"""The ``syndetect`` command line: thin typer commands over the ``syndetect`` library."""
