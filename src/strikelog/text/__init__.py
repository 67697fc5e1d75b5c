"""Stage 2, text: RawArticle -> Article.

`clean` (HTML and plain text -> content paragraphs, page debris dropped, typography normalised, the
article's anchor time read) and `langid` (whether an article is in English at all).

May import: records, errors, resources, caches, literals, sources (and trafilatura, lxml, spaCy's
stop lists). Never a later stage.
"""
