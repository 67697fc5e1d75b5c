"""Stage 1, sources: where articles come from, as RawArticle records.

`files` (files and folders: .txt, .html, .jsonl, WARC, sidecar metadata; `discover`, `read_articles`),
`http` (the polite fetcher: robots.txt, per-host delays, conditional GET, canonical URLs) and `feeds`
(RSS/Atom documents -> feed items, a fetched page -> RawArticle). Nothing here reads or writes the
ledger: the record of what was fetched is `run.pages`' work, the feed watcher is `run.watch`.

May import: records, errors, config, literals (and the standard library, httpx, feedparser,
warcio). Never a later stage.
"""
