"""What `jianfu serve` runs: the dashboard (dashboard.py) on Streamlit's own server, plus the routes that set
and clear the login cookie (jianfu/access/cookie_routes.py), which a Streamlit script cannot do itself."""

from streamlit.runtime.pages_manager import PagesManager
from streamlit.starlette import App

from jianfu.access.cookie_routes import ROUTES
from jianfu.settings import ROOT

# The router (st.navigation) serves every page: without this, Streamlit treats pages/ as an old-style multipage
# app until the process's first st.navigation call, so a fresh server's first visit by a page link such as
# /grids-teams (file pages/grids_teams.py) showed "Page not found" (jianfu/ui/routing.py covers `streamlit run`).
PagesManager.uses_pages_directory = False
app = App(str(ROOT / "dashboard.py"), routes=ROUTES)
