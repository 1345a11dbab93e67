"""Test data in volume: many logged entries inserted at once, for the tests that prove a page or
selector does not grow with the number of interactions."""

from __future__ import annotations

import datetime
import decimal

from rapport.interactions.models import InteractionLogEntry

D = datetime.date


def bulk_log_entries(w, count: int) -> None:
    """`count` logged entries for the company and its persons, inserted fast."""
    contacts = [w.company, w.p1, w.p2]
    start = InteractionLogEntry.objects.count() + 1
    InteractionLogEntry.objects.bulk_create(
        (
            InteractionLogEntry(
                entry_no=start + index,
                contact=contacts[index % 3],
                contact_company=w.company,
                template=w.call,
                group=w.phone,
                salesperson=w.pb,
                description=f"Call {index}",
                date=D(2024, 1, 1) + datetime.timedelta(days=index % 700),
                time=datetime.time(9, 0),
                cost=decimal.Decimal("1.50"),
                duration=10,
                canceled=index % 10 == 0,
                user=w.admin,
            )
            for index in range(count)
        ),
        batch_size=2000,
    )
    from rapport.interactions.services.totals import interaction_totals_apply_entry_nos

    interaction_totals_apply_entry_nos(start, start + count - 1, 1)  # as the services do
