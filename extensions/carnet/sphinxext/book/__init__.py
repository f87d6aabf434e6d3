"""The book as Sphinx reads it: settings, build state, table of contents, page facts and files, shards."""
