"""The web face of strikelog: an HTTP API under /api/v1 and a map/timeline/table page (docs/web.md)."""
from .app import create_app

__all__ = ["create_app"]
