"""Exports in, canonical rows out: readers (bytes → text table) → mapping (headers → canonical columns) →
validate (types, codes, sanity → rows + rejects, personal data protected) → loader (one warehouse transaction
per file, upsert, undo). The public API lives in `jianfu.ingest.loader`."""
