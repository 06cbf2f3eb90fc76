"""The router: page config, language switch, login, navigation, the global filter bar. Everything a page shows
lives in pages/ and jianfu/ui (see jianfu/ui/README.md)."""

from jianfu.access.scope import scope_for
from jianfu.ui import shell
from jianfu.ui.damage import damage_shown_as_notice
from jianfu.ui.login import require_user

shell.configure_page()
shell.language_switch()
scope = scope_for(require_user())  # stops here with the login form until someone is logged in
page, uses_filters = shell.navigation(scope)
with damage_shown_as_notice():
    shell.filter_bar(uses_filters)
    page.run()
