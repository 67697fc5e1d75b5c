"""Stages 5 and 6, resolve: each mention's time and place expressions -> a DateRange and a Location.

`time` (dates relative to the article's anchor: "Saturday", "last week", "hours later"), `gazetteer`
(the SQLite gazetteer built from GeoNames and data/installations.csv, and its lookups) and `place`
(choosing among the places a name may be, with the article's countries as context; `distance_km`).

May import: records, errors, resources, caches, literals, and the stages before it (sources, text,
nlp, extract). Never a later stage.
"""
