"""How a personal identity number may be written: the one definition that both the log
redaction (``rehab.logging``) and the validation (``assessments.identity``) use, so a number
that one of them recognises the other does too.

People paste numbers from Word, e-mail and PDFs, where the hyphen often becomes an en dash
(``19410317–2385``), a minus sign or a non-breaking hyphen, and the space a non-breaking
one. Every such variant is the same separator.
"""

import re

# Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar,
# minus sign, small and full-width hyphen-minus.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
# Every Unicode space (\s covers NBSP, narrow NBSP, thin space, …).
SEPARATOR = rf"(?:[{re.escape(DASHES)}+]|\s)"
# The same separators as they appear percent-encoded in a URL or form body.
_ENCODED_SEPARATOR = r"(?:%(?:2[bB]|20|[eE]2%80%(?:9[0-5]|[aA][fF])|[eE]2%88%92|[cC]2%[aA]0))"

# 12 or 10 digits with an optional separator, written plainly or percent-encoded.
IDENTITY_NUMBER = re.compile(
    rf"(?<!\d)(?:\d{{2}})?\d{{6}}(?:{SEPARATOR}|{_ENCODED_SEPARATOR})?\d{{4}}(?!\d)"
)


def normalise_separators(text: str) -> str:
    """Spaces removed and every dash written as "-" ("+" stays: it marks a person of 100
    or more in the 10-digit form)."""
    text = re.sub(r"\s", "", text or "")
    return re.sub(rf"[{re.escape(DASHES[1:])}]", "-", text)
