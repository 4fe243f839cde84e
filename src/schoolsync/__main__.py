"""`python -m schoolsync` is the `schoolsync` command."""

from schoolsync.cli import main

main()
