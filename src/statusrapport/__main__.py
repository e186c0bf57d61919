"""``python -m statusrapport`` is the same as the ``statusrapport`` command."""

from statusrapport.cli import main

if __name__ == "__main__":  # guarded: worker processes (spawn) re-import the main module
    raise SystemExit(main())
