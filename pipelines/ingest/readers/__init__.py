"""Readers: one module per file format, each handing the ingest the same raw rows."""
