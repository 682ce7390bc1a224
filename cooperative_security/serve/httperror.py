"""The one exception the server's parts raise for an answer other than 200."""

from __future__ import annotations


class HttpError(Exception):
    """An answer other than 200, with the message a person reads."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


__all__ = ["HttpError"]
