"""`python -m gan_core ...`: see gan_core.cli."""
from gan_core.cli import main

raise SystemExit(main())
