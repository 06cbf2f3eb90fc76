"""Deterministic sample data for the 横塘 community: a canonical world (`world.build_world`) and the exports a
street office's systems would produce from it (`exports.write_exports`), with a manifest of what importing them
must give."""
