"""lscp pipelines: ingest -> validate -> model -> metrics -> publish, plus the CLI and scheduler."""
