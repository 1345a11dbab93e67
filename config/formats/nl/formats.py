"""Dutch dates and times (FORMAT_MODULE_PATH): 26-11-2026 and a 24-hour clock (14:05) on every
page; long month names only in headings (YEAR_MONTH_FORMAT). Forms accept 26-11-2026 as well as
the ISO form 2026-11-26 (what `<input type="date">` sends). What is not set here comes from
Django's Dutch formats (separators, first day of the week)."""

DATE_FORMAT = "d-m-Y"  # 26-11-2026
SHORT_DATE_FORMAT = "d-m-Y"  # 26-11-2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "d-m-Y H:i"  # 26-11-2026 14:05
SHORT_DATETIME_FORMAT = "d-m-Y H:i"  # 26-11-2026 14:05
YEAR_MONTH_FORMAT = "F Y"  # november 2026 (headings)
MONTH_DAY_FORMAT = "j F"  # 26 november (headings)

DATE_INPUT_FORMATS = ["%d-%m-%Y", "%Y-%m-%d"]  # 26-11-2026, 2026-11-26
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f", "%H.%M"]  # 14:05, 14.05
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H:%M",  # 26-11-2026 14:05
    "%d-%m-%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",  # 2026-11-26 14:05
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
]
