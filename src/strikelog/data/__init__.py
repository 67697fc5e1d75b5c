"""The curated data files (dictionaries, vocabularies, the ACLED coding), read only through
`resources.data_text`, which a file of the same name in $STRIKELOG_DATA_DIR overrides. `tools/` holds
the scripts that build some of them from public sources (SOURCES.md)."""
