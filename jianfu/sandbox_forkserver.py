"""Imported only inside the SQL console's fork server (`jianfu/sandbox.py` preloads it there; nothing else imports
it). A child of a fork server normally re-runs the parent's main module first, as spawn does; in the dashboard
that module is the page script Streamlit is running (`dashboard.py`), which must never run in a query's child.
The children only need `jianfu.sandbox`, which the fork server has already imported, so that step is skipped."""

import multiprocessing.spawn as _spawn

_spawn._fixup_main_from_path = lambda path: None
_spawn._fixup_main_from_name = lambda name: None
