"""Paths, settings (config.toml) and presets (presets.toml)."""
