"""Several exchanges side by side: the run, its summary and its export."""
