"""Segments beyond NAV's size: lines are numbered in steps of 10,000 (reference 1.9), so a
segment of more than 214,748 lines has line nos. above 2,147,483,647, which an integer column
of PostgreSQL refuses ("integer out of range"; SQLite's integers are 64-bit). Line nos. are
big integers on both databases."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.contacts.models import Contact
from rapport.segments import services
from rapport.segments.models import SegmentHistory, SegmentLine
from rapport.segments.services.line_values import insert_lines

BEYOND_INTEGER = 2_147_480_000  # a line no. that a 214,748-line segment reaches


@pytest.mark.django_db
def test_lines_are_numbered_beyond_two_billion(world: Any, make_segment: Any) -> None:
    segment = make_segment("BIG", template=world.call, subject="Hello")
    action = services.start_criteria_action(actor=None, segment=segment, action="add")
    assert insert_lines(segment, Contact.objects.filter(no="P1"), action_no=action.action_no) == 1
    SegmentLine.objects.filter(segment=segment).update(line_no=BEYOND_INTEGER)
    action = services.start_criteria_action(actor=None, segment=segment, action="add")
    added = insert_lines(
        segment, Contact.objects.filter(no__in=["P2", "P3"]), action_no=action.action_no
    )
    assert added == 2
    numbers = list(segment.lines.order_by("line_no").values_list("line_no", flat=True))
    assert numbers == [BEYOND_INTEGER, BEYOND_INTEGER + 10_000, BEYOND_INTEGER + 20_000]
    history = SegmentHistory.objects.filter(segment=segment, action_no=action.action_no)
    assert sorted(history.values_list("line_no", flat=True)) == numbers[1:]
