"""Export: the published indicator values as CSV, suppressed unless asked otherwise; the
Excel template for the manual measures."""

# the template lives with the contracts (the dashboard offers it too, and never imports
# pipelines); kept importable from here for the CLI and older callers
from data_contracts.manual_template import Measure, build_template, template_from_seeds
from pipelines.export.csv_export import export_csv

__all__ = ["Measure", "build_template", "export_csv", "template_from_seeds"]
