"""Stage 3, nlp: Article -> ParsedArticle.

`model` (the spaCy English pipeline, loaded once per process, run over every paragraph) and `tagger`
(the dictionary tagger: the curated names of actors, weapons, sites, countries and demonyms found in
each parsed paragraph).

May import: records, errors, resources, caches, and the stages before it (sources, text). Never a
later stage. spaCy itself is imported when a model is first loaded, not on import.
"""
