"""Stage 9, run: the stages put to work, in one process, on every core or on a Dask cluster.

`pipeline` (one article through clean -> nlp -> extract -> time -> place -> one article's frames),
`workers` (the pipeline on a pool of worker processes, results in input order), `engine` (the ingest:
new and changed articles found, saved and merged into the ledger's events, responses resolved),
`pages` (fetched pages and the ledger's record of them), `watch` (following feeds) and `dask`
(the analysis on a Dask cluster, then the same engine).

May import every stage before it (sources, text, nlp, extract, resolve, merge, the ledger); never api,
cli or web. Importing this package loads nothing: read-only commands must not load spaCy or httpx.
"""
