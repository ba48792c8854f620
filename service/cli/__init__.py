"""The ``sourcediff`` command line: the Typer application (``app``), one
module per command group, and the report renderers (``terminal``, ``junit``).

The commands are registered here, in the order the help lists them.
"""

from service.cli import articles, compare, db, keys, serve
from service.cli.app import app, main

__all__ = ["app", "main"]

for _command in (
    compare.compare,
    compare.check,
    articles.ingest,
    articles.fetch,
    articles.versions,
    serve.serve,
    serve.openapi,
):
    app.command()(_command)
del _command
app.add_typer(db.db_app)
app.add_typer(keys.keys_app)
