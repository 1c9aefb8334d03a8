"""``python -m openmaas_tui`` runs the ``openmaas`` command."""

import sys

from openmaas_tui.cli import main

sys.exit(main())
