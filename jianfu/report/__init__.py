"""The monthly report for the leadership meeting: PDF and XLSX with the same numbers as the dashboard.

    report = build_report(con, "2026-10", grids=(), lang="zh")   # every number from jianfu.metrics
    pdf_bytes, xlsx_bytes = render_pdf(report), render_xlsx(report)

Design notes: README.md beside this file.
"""

from jianfu.report.content import Report, ReportError, build_report
from jianfu.report.html import render_html
from jianfu.report.pdf import RendererMissing, render_pdf
from jianfu.report.xlsx import render_xlsx

__all__ = ["RendererMissing", "Report", "ReportError", "build_report", "render_html", "render_pdf", "render_xlsx"]
