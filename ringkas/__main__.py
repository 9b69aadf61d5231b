"""``python -m ringkas …``: the same as the ``ringkas`` command."""

from ringkas.cli import app

app()
