"""The login gate `dashboard.py` calls before navigation: `user = require_user()`.

- No users file and no OIDC: demo mode — a clearly labelled banner and a demo admin, so `make run` stays one step.
- Otherwise every page needs a login: a local name + password form, and an SSO button when `.streamlit/
  secrets.toml` has an [auth] section (Streamlit's `st.login`; the role still comes from the users file).
- A session lasts `session_minutes`; the user record is re-read on every run, so removing a user or changing a
  role takes effect at their next click.
- A reload or a shared link opens a new Streamlit session: the signed HttpOnly cookie (cookie.py) brings the
  login back until it expires or is revoked by logout; an invalid cookie is cleared and the login form shows.
"""

from __future__ import annotations

import time

import streamlit as st

from jianfu.access import audit, cookie
from jianfu.access.cookie_routes import HANDOFF_HEADER, PATH
from jianfu.access.scope import Scope, scope_for
from jianfu.access.session import THROTTLE, Session
from jianfu.access.users import User, UsersFileError, demo_mode, find_oidc_user, load_users, verify_password
from jianfu.display.i18n import t
from jianfu.ui.language import LANG_STATE

SESSION_KEY = "access_session"
HANDOFF_KEY = "access_cookie_handoff"  # the nonce the browser trades for its cookie, until it has done so
CLEAR_KEY = "_access_clear_cookie"  # the browser holds a cookie that no longer counts: clear it
DEMO_USER = User(name="demo", role="admin", demo=True)


def require_user() -> User:
    """The logged-in user (or the demo user). Renders the login form and stops the script run when nobody is
    logged in, so nothing after this call runs for an anonymous visitor."""
    try:
        users = load_users()
    except UsersFileError as exc:
        st.error(t("access.users_file_broken", error=str(exc)))
        st.stop()
    oidc = oidc_configured()
    if demo_mode() and not oidc:
        # A badge line, not st.warning: page notices (bad filter links …) keep the warning slot to themselves.
        st.markdown(f":orange-badge[:material/lock_open: {t('access.demo_label')}] {t('access.demo_banner')}")
        return DEMO_USER
    user = _session_user(users, oidc)
    if user is None and oidc:
        user = _oidc_user()
    if user is not None:
        _hand_cookie_to_browser()
        _sidebar_account(user)
        return user

    def login() -> None:
        _login_form(oidc)
        _clear_cookie_in_browser()  # only when the run ends on the form: never races a fresh login's cookie

    # The login form is the only page this run knows. Without an st.navigation call in a run, Streamlit falls
    # back to running pages/*.py directly (its first multipage mode), which would skip this gate.
    st.navigation(
        [st.Page(login, title=t("access.login_title"), url_path="login", default=True)], position="hidden"
    ).run()
    st.stop()


def current_user() -> User:
    """The user `require_user` admitted in this run (outside a session with users configured: refuse)."""
    session = st.session_state.get(SESSION_KEY)
    if session is not None:
        return session.user
    if demo_mode() and not oidc_configured():
        return DEMO_USER
    raise PermissionError("no user is logged in")


def current_scope() -> Scope:
    return scope_for(current_user())


def audit_action(action: str, what: str = "", **details) -> None:
    """Record an action of the current user (raises AuditUnavailable: then the action must not happen)."""
    audit.record(action, current_user().name, what, **details)


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def _session_user(users: dict, oidc: bool) -> User | None:
    session: Session | None = st.session_state.get(SESSION_KEY) or _session_from_cookie(users)
    if session is None:
        return None
    record = users.get(session.user.name)
    if session.expired() or record is None:
        _end_session(session, reason="expired" if record else "removed", oidc=oidc)
        st.info(t("access.expired"))
        return None
    if record.user != session.user:  # role or grids changed: the new ones apply now
        st.session_state[SESSION_KEY] = Session(record.user, session.started_at, session.sid)
    return record.user


def _session_from_cookie(users: dict) -> Session | None:
    """The login the browser's cookie proves (a reload or an opened link), as this browser session's Session."""
    token = st.context.cookies.get(cookie.COOKIE)
    if not isinstance(token, str) or not token:  # (AppTest has no browser: its cookies are a stand-in object)
        return None
    granted = cookie.verify(token)
    record = users.get(granted.user) if granted else None
    if record is None:
        st.session_state[CLEAR_KEY] = True
        return None
    session = Session(record.user, granted.started_at, granted.sid)
    st.session_state[SESSION_KEY] = session
    audit.record("login", record.user.name, method="cookie", role=record.user.role)
    return session


def _run_js(script: str) -> None:
    # A script-only element in the sidebar: nothing visible, no layout shift in the page.
    st.sidebar.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def _hand_cookie_to_browser() -> None:
    """Until the browser has traded the login's nonce for its cookie, each run asks it to (a rerun may have
    replaced the element before its script ran)."""
    nonce = st.session_state.get(HANDOFF_KEY)
    if nonce is None:
        return
    if not cookie.HANDOFFS.pending(nonce):
        del st.session_state[HANDOFF_KEY]
        return
    _run_js(
        f"fetch({PATH!r}, {{method: 'POST', credentials: 'same-origin', headers: {{{HANDOFF_HEADER!r}: {nonce!r}}}}})"
    )


def _clear_cookie_in_browser() -> None:
    if st.session_state.get(CLEAR_KEY):
        _run_js(f"fetch({PATH!r}, {{method: 'DELETE', credentials: 'same-origin'}})")


def _oidc_user() -> User | None:
    if not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    user = find_oidc_user(email)
    if user is None:
        st.error(t("access.oidc_not_authorised", email=email))
        st.button(t("access.logout"), on_click=st.logout)
        st.stop()
    _start_session(user, method="oidc")
    return user


def _start_session(user: User, method: str) -> None:
    audit.record("login", user.name, method=method, role=user.role)
    started_at = time.time()
    sid, token = cookie.issue(user.name, started_at)
    st.session_state[SESSION_KEY] = Session(user, started_at, sid)
    st.session_state[HANDOFF_KEY] = cookie.HANDOFFS.offer(token)
    st.session_state.pop(CLEAR_KEY, None)


def _end_session(session: Session, reason: str, oidc: bool) -> None:
    # Everything the user left in the session (a SQL result, filters, widgets) goes with them: the next person
    # in this browser must not see it. Only the language choice stays.
    for key in [k for k in st.session_state if k != LANG_STATE]:
        del st.session_state[key]
    cookie.revoke(session.sid)  # the cookie, and every link opened with it, stops counting now
    st.session_state[CLEAR_KEY] = True
    user = session.user
    audit.record("logout", user.name, reason=reason)
    if oidc and st.user.is_logged_in:
        st.logout()


def _login_form(oidc: bool) -> None:
    st.title(t("access.login_title"))
    if oidc:
        if st.button(t("access.oidc_button"), key="access_oidc"):
            try:
                st.login()
            except Exception as exc:  # Streamlit raises its own error types when Authlib or a setting is missing
                st.error(t("access.oidc_unavailable", error=str(exc)))
    with st.form("access_login"):
        name = st.text_input(t("access.name"), key="access_name").strip()
        password = st.text_input(t("access.password"), type="password", key="access_password")
        submitted = st.form_submit_button(t("access.submit"))
    if not submitted or not name:
        return
    if THROTTLE.locked(name):
        st.error(t("access.locked"))
        return
    user = verify_password(name, password)
    if user is None:
        THROTTLE.failed(name)
        # The typed name is logged only when it is a real account: a password typed into the name field by
        # mistake must not end up in the log.
        known = name in load_users()
        audit.record("login_failed", name if known else "(unknown name)")
        st.error(t("access.wrong"))
        return
    THROTTLE.succeeded(name)
    _start_session(user, method="password")
    st.rerun()


def _sidebar_account(user: User) -> None:
    with st.sidebar:
        st.caption(t("access.signed_in_as", name=user.name, role=t(f"access.role.{user.role}")))
        if st.button(t("access.logout"), key="access_logout"):
            _end_session(st.session_state[SESSION_KEY], reason="clicked", oidc=oidc_configured())
            st.rerun()
