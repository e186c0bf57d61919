"""``python -m statusrapport`` is the same as the ``statusrapport`` command."""

from statusrapport.cli import main

raise SystemExit(main())
