"""`python -m xianan_kg` is the `xianan-kg` command."""

from xianan_kg.cli.main import main

main()
