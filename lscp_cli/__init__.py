"""The ``lscp`` command: the one entry point above every layer."""

from lscp_cli.main import main

__all__ = ["main"]
