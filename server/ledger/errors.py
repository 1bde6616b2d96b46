"""The error of a ledger file as a whole."""

from __future__ import annotations

from server.core.errors import DomainError


class LedgerFileError(DomainError):
    """The file as a whole cannot be imported (not a workbook, wrong columns); answered 422."""

    status = 422

    def __init__(self, message: str, errors: dict | None = None) -> None:
        super().__init__(errors, message)

    def answer_errors(self) -> dict | None:
        return self.errors or None
