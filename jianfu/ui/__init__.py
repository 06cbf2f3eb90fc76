"""The Streamlit layer shared by every page: strings (i18n), number formatting, the global filter bar, KPI cards,
plotly figure builders and cached data access. See README.md in this folder for how a page uses them."""
