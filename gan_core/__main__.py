"""`python -m gan_core ...`: see gan_core.cli."""
from .cli import main

raise SystemExit(main())
