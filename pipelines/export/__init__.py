"""Export: the published indicator values as CSV, suppressed unless asked otherwise."""

from pipelines.export.csv_export import export_csv

__all__ = ["export_csv"]
