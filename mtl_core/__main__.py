"""`python -m mtl_core ...`: the command line lives in `mtl_core.cli`."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
