"""English dates and times (FORMAT_MODULE_PATH): ISO dates (2026-11-26) and a 24-hour clock
(14:05) on every page; long month names only in headings (YEAR_MONTH_FORMAT). What is not set
here comes from Django's English formats (separators, first day of the week)."""

DATE_FORMAT = "Y-m-d"  # 2026-11-26
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-11-26
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "Y-m-d H:i"  # 2026-11-26 14:05
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2026-11-26 14:05
YEAR_MONTH_FORMAT = "F Y"  # November 2026 (headings)
MONTH_DAY_FORMAT = "F j"  # November 26 (headings)

DATE_INPUT_FORMATS = ["%Y-%m-%d"]  # 2026-11-26
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]  # 14:05
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",  # 2026-11-26 14:05
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
]
