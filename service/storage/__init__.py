"""Storage: SQLModel tables, the engine, migrations, and the repositories.

Every query lives in ``service.storage.repo`` (articles, versions) and
``service.storage.keys`` (API keys, rate counters); nothing above this
package writes SQL. Imports flow one way: ``api → usecases → storage → core``.
"""
