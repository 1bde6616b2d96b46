"""What every domain uses: database, errors, scope, change feed, validation, paging, clocks, code lists.

The core imports no domain package; domains import the core (see docs/architecture.md).
"""
