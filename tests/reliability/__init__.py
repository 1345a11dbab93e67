"""Reliability tests: several OS processes at once against one committed database
(`test_concurrency*.py`), processes killed in the middle of their work (`test_crash*.py`)."""
