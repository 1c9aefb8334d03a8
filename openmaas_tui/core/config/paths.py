"""Where openMaaS keeps its files: the one module that knows.

By default the platform's places (``platformdirs``): config in ``user_config_path("openmaas")``,
history in ``user_data_path``, caches in ``user_cache_path``, logs in ``user_log_path``. With
``OPENMAAS_HOME`` set, all four live under that directory (``$OPENMAAS_HOME/config.toml``,
``$OPENMAAS_HOME/data``, ``$OPENMAAS_HOME/cache``, ``$OPENMAAS_HOME/logs``), so tests and
people can isolate everything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "openmaas"
HOME_ENV = "OPENMAAS_HOME"


@dataclass(frozen=True, slots=True)
class Paths:
    """The directories and files openMaaS uses. Nothing is created until it is needed."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def config_file(self) -> Path:
        """``config.toml``: settings and custom endpoints, never secrets."""
        return self.config_dir / "config.toml"

    @property
    def user_pricing_file(self) -> Path:
        """A person's own ``pricing.toml``, whose entries override the shipped ones."""
        return self.config_dir / "pricing.toml"

    @property
    def history_db(self) -> Path:
        """The SQLite history of sessions and messages."""
        return self.data_dir / "history.db"


def resolve_paths(environ: dict[str, str] | None = None) -> Paths:
    """The paths in force for ``environ`` (default: ``os.environ``)."""
    env = os.environ if environ is None else environ
    home = env.get(HOME_ENV)
    if home:
        root = Path(home).expanduser()
        return Paths(root, root / "data", root / "cache", root / "logs")
    return Paths(
        config_dir=platformdirs.user_config_path(APP_NAME),
        data_dir=platformdirs.user_data_path(APP_NAME),
        cache_dir=platformdirs.user_cache_path(APP_NAME),
        log_dir=platformdirs.user_log_path(APP_NAME),
    )
