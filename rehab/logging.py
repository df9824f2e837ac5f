"""Log filters: no personal identity number ever reaches a log line."""

import logging
import re

# 12 or 10 digits with an optional separator, as personnummer and samordningsnummer are written.
IDENTITY_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")
REPLACEMENT = "[personnummer]"


def redact(text: str) -> str:
    return IDENTITY_NUMBER.sub(REPLACEMENT, text)


class RedactIdentityNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
