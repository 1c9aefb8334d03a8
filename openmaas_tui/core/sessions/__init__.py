"""Chat sessions in memory, how they map to the history's records, their export and import, and the
playground's session and parameter state."""
