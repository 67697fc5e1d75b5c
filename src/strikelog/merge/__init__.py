"""Stage 7, merge: mentions -> canonical events (being split into modules; see issue 18)."""
from .article import *  # noqa: F401,F403
