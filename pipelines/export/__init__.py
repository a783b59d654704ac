"""Export: the published indicator values as CSV, suppressed unless asked otherwise; the
Excel template for the manual measures."""

from pipelines.export.csv_export import export_csv
from pipelines.export.manual_template import Measure, build_template, template_from_seeds

__all__ = ["Measure", "build_template", "export_csv", "template_from_seeds"]
