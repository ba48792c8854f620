"""What every feature stands on and none owns: configuration, errors, logging,
metrics, the database engine and transactions, pagination, the background
loop, the SSRF-safe fetcher, the HTML and ninjs readers, shared request types."""

__all__: list[str] = []
