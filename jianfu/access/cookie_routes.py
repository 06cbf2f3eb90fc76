"""The two HTTP routes `asgi.py` adds to Streamlit's server for the session cookie (see cookie.py):

- `POST /api/session` with header `X-Jianfu-Handoff: <nonce>`: sets the HttpOnly, SameSite=Strict cookie the
  nonce stands for. The custom header is a CSRF guard: a cross-site form cannot send it.
- `DELETE /api/session`: revokes the cookie's session server-side and clears it in the browser.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jianfu.access import cookie

PATH = "/api/session"
HANDOFF_HEADER = "x-jianfu-handoff"


def _secure(request: Request) -> bool:
    # Behind the TLS-terminating proxy SECURITY.md asks for, the cookie is Secure; on plain 127.0.0.1 it cannot be.
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def _set(request: Request) -> Response:
    token = cookie.HANDOFFS.claim(request.headers.get(HANDOFF_HEADER, ""))
    granted = cookie.verify(token)
    if granted is None:
        return Response(status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        cookie.COOKIE,
        token,
        max_age=cookie.seconds_left(granted),
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


async def _clear(request: Request) -> Response:
    sid = cookie.signed_sid(request.cookies.get(cookie.COOKIE))
    if sid:
        cookie.revoke(sid)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(cookie.COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    return response


ROUTES = [Route(PATH, _set, methods=["POST"]), Route(PATH, _clear, methods=["DELETE"])]
