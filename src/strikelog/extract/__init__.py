"""Stage 4, extract: ParsedArticle -> list[Mention] (being split into components; see issue 18)."""
from .reader import *  # noqa: F401,F403
