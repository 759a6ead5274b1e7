"""Keep personal identity numbers out of the logs, whatever a library writes there."""

from __future__ import annotations

import logging
import re

# 10 or 12 digits with an optional "-" or "+" before the last four: a personnummer's shape.
_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
REDACTED = "[personnummer]"


def redact(text: str) -> str:
    """
    >>> redact("login 19811218-9876 and 8112189876, id 42")
    'login [personnummer] and [personnummer], id 42'
    """
    return _NUMBER.sub(REDACTED, text)


class RedactPersonalNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
