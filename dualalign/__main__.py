"""`python -m dualalign` runs the command line."""

from dualalign.cli import main

main()
