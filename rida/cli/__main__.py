"""``python -m rida.cli``: the ``rida`` command."""

from rida.cli import main

main()
