"""``python -m openmaas_tui`` runs the ``openmaas`` command."""

import sys

from openmaas_tui.cli.main import main

sys.exit(main())
