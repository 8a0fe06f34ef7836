"""`python -m xianan_kg` is the `xianan-kg` command."""

from .cli import main

main()
