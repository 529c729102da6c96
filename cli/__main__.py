"""``python -m cli``: the same as the ``dondoc`` console script."""

from cli import main

main()
