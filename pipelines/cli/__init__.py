"""The ``lscp`` command: the one entry point above every layer."""

from pipelines.cli.main import main

__all__ = ["main"]
