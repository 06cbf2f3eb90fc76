"""What `jianfu serve` runs: the dashboard (dashboard.py) on Streamlit's own server, plus the routes that set
and clear the login cookie (jianfu/access/cookie_routes.py), which a Streamlit script cannot do itself."""

from streamlit.starlette import App

from jianfu.access.cookie_routes import ROUTES
from jianfu.settings import ROOT

app = App(str(ROOT / "dashboard.py"), routes=ROUTES)
