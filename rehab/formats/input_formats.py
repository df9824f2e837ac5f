"""Date input formats that Swedish users type, shared by every language's format module.

The ``sv`` locale of Django accepts only ``2026-03-01``; people also write ``1/3 2026``
(day/month year) and ``1/3/2026``, and compact ``20260301``.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m %Y", "%d/%m/%Y", "%Y%m%d", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d/%m %Y %H:%M",
    "%d/%m/%Y %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
