"""`python -m cooltui` runs the same command line as `cooltui`."""

from cooltui.cli import main

raise SystemExit(main())
