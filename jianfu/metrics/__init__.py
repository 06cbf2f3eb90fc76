"""KPI engine: the catalogue (catalogue.toml), the filter object, and the functions pages, exports and the
`jianfu kpis` command call. Design notes and the JSON keys: jianfu/metrics/README.md."""

from jianfu.metrics.catalogue import Catalogue, CatalogueError, Kpi, load_catalogue
from jianfu.metrics.filters import PRESETS, FilterError, Filters, data_window, parse_period, window_preset
from jianfu.metrics.results import FLAGS, KpiResult, comparison_composite, composite_scores, compute_kpis
from jianfu.metrics.series import compute_by, compute_by_many, kpi_series, kpi_series_many, latest_period_with_data
from jianfu.metrics.sql import data_as_of

__all__ = [
    "Catalogue",
    "CatalogueError",
    "FLAGS",
    "FilterError",
    "Filters",
    "Kpi",
    "KpiResult",
    "PRESETS",
    "comparison_composite",
    "composite_scores",
    "compute_by",
    "compute_by_many",
    "compute_kpis",
    "data_as_of",
    "data_window",
    "kpi_series",
    "kpi_series_many",
    "latest_period_with_data",
    "load_catalogue",
    "parse_period",
    "window_preset",
]
