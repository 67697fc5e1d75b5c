"""The web's errors: an answer other than 200 is always JSON and always a sentence."""
from __future__ import annotations

from typing import Any, Optional

from fastapi.responses import JSONResponse


class WebError(Exception):
    """An answer other than 200, with a sentence for the caller."""

    def __init__(self, status: int, message: str, headers: Optional[dict[str, str]] = None):
        super().__init__(message)
        self.status = status
        self.headers = headers


def error_response(status: int, message: str, parameter: Optional[str] = None,
           headers: Optional[dict[str, str]] = None) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "error": message}
    if parameter:
        body["parameter"] = parameter
    return JSONResponse(body, status_code=status, headers=headers)
