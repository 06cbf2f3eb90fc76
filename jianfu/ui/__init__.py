"""The Streamlit layer shared by every page: the login gate, the global filter bar, KPI cards, chart rendering,
table downloads and cached data access. Words, numbers and figures come from `jianfu.display`. See README.md in
this folder for how a page uses them."""

from jianfu.display import i18n
from jianfu.ui import language

i18n.read_run_language_with(language.run_language)  # the language of a page is the one chosen in its run
