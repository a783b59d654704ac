"""Ingest: the inbox's files -> typed ``src_`` tables, quarantine and the load report.

Delivery rules and readers per format (``readers/``), row and cross-file rules from the data
contracts, Great Expectations in a worker process, pseudonymisation, the load report.
"""

from pipelines.ingest.inbox import ingest

__all__ = ["ingest"]
