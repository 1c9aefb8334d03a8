"""The history: one SQLite file of sessions, messages and compare runs, its schema and migrations,
the async wrapper, the recorder of streaming answers and the cost report."""
