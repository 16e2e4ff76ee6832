"""The ``customlabels`` command line (typer): one module per command group."""

from customlabels.cli.main import app, main

__all__ = ["app", "main"]
