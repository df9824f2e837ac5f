"""Log filters: no personal identity number ever reaches a log line."""

import logging

from .identity_numbers import IDENTITY_NUMBER

REPLACEMENT = "[personnummer]"


def redact(text: str) -> str:
    return IDENTITY_NUMBER.sub(REPLACEMENT, text)


class RedactIdentityNumbers(logging.Filter):
    """Redacts the message and any traceback (a database error can quote a key value)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
