"""Readers of the literals written in news text, shared by several stages: `dates` (written dates:
`parse_moment`, month and weekday names) and `counts` (written numbers and casualty counts:
`read_count`, `number_word`, from data/quantities.json).

Not a stage: the file reader and clean (dates), extract (counts) and resolve (both) use them, so they
sit below every stage. May import: records, resources, caches (and the standard library); never a
stage.
"""
