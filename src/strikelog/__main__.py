"""`python -m strikelog ...` is the `strikelog` command."""
from .cli import main

main()
