"""Checks made before a request's body is read: the Host header, the write token, the body's size
(`RequestGuard`, ASGI middleware)."""
from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Optional

from starlette.exceptions import HTTPException as StarletteHTTPException

from .errors import WebError, error_response as _error

API_PREFIX = "/api/v1"


def check_token(expected: Optional[str], authorization: Optional[str]) -> None:
    """Writes need `Authorization: Bearer <token>`; a server started without a token takes none."""
    if expected is None:
        raise WebError(403, "writes are disabled: this server was started without --token")
    if not authorization:
        raise WebError(401, "this write needs the header 'Authorization: Bearer <token>'",
                       headers={"WWW-Authenticate": "Bearer"})
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise WebError(403, "wrong token")


WRITES = {("POST", f"{API_PREFIX}/articles")}  # (method, path) of the requests that need the token
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class _BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"the request body is larger than {limit:,} bytes (STRIKELOG_MAX_BODY_BYTES)")


class RequestGuard:
    """ASGI middleware refusing a request before the app reads its body: a Host header naming
    another site than this server (400: a DNS-rebinding page in a browser), a write without the
    right token (401/403), and a body over `max_body_bytes` (413: announced by Content-Length, or
    counted as it arrives). `allowed_hosts` adds host names (or "*": any) to the server's address."""

    def __init__(self, app: Callable, token: Optional[str], max_body_bytes: int, allowed_hosts: tuple[str, ...] = ()):
        self.app = app
        self.token = token
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            self._check_host(scope, headers.get("host", ""))
            if (scope["method"], scope["path"]) in WRITES:
                check_token(self.token, headers.get("authorization"))
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise _BodyTooLarge(self.max_body_bytes)
        except WebError as err:
            await _error(err.status, str(err), headers=err.headers)(scope, receive, send)
            return
        except _BodyTooLarge as err:
            await _error(err.status_code, err.detail)(scope, receive, send)
            return
        await self.app(scope, self._counted(receive), send)

    def _counted(self, receive: Callable) -> Callable:
        """`receive` that stops a body growing past the limit (the app answers 413)."""
        received = 0

        async def counted() -> dict:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise _BodyTooLarge(self.max_body_bytes)
            return message

        return counted

    def _check_host(self, scope: dict, host: str) -> None:
        """The Host header must name the address the request came to (any loopback name when that is a
        loopback address), or one of `allowed_hosts`. The port is not compared: a rebinding page
        reaches the server on its own port, under a name of the attacker's."""
        if "*" in self.allowed_hosts or not scope.get("server"):
            return
        server_host = scope["server"][0].lower()
        names = {server_host, *self.allowed_hosts}
        if server_host in LOOPBACK_NAMES or server_host.startswith("127."):
            names.update(LOOPBACK_NAMES)
        if _host_name(host) not in names:
            raise WebError(400, f"the Host header {host!r} does not name this server (a server reached by another"
                                " name must be told it: STRIKELOG_ALLOWED_HOSTS)")


def _host_name(host: str) -> str:
    """'Example.org:8000' -> 'example.org'; '[::1]:80' -> '::1'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.partition(":")[0]
