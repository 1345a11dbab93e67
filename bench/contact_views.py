"""`contact_views`: a busy contact's pages. The contact card (`/contacts/<no>/`: details,
statistics panel with its monthly chart, the timeline of the latest interactions) and the
interaction log page filtered on the contact (`/interactions/?company_no=<no>`, what the card's
"Interaction log" action opens), for a company with 10,000 logged entries (A) against a company
with 10 (B), in the same database. A company's entries are its own and its persons', by the
company they were logged with (reference 2.8).

The entries are spread over the company and its four persons, three templates, about three
years of dates and times, one in ten canceled; seven other companies hold as many entries
again between them, so the table is not the contact's alone. They are inserted set-based
(`bulk_create`, entry numbers from `reserve_numbers` when it exists), then the maintained
statistics totals are rebuilt from the log (`interaction_totals_rebuild`, when it exists), as
`rapport generate` does.

Same server work on both sides: one Django test client logged in once (a marketing user),
every page requested once untimed first; then A and B alternate (`interleave`), each sample
the mean of `REPEAT` requests. One result per page: "contact card, 10,000 vs 10 entries" and
"interaction log page, 10,000 vs 10 entries"; target 1.5, and `met` needs the ratio AND the
same number of queries on both sides (the counts are in the printed note).

Both pages show 25 entries at most, so against 10 entries they render 15 rows more whatever
the size; two more results, "contact card, 10,000 vs 25 entries" and "interaction log page,
10,000 vs 25 entries", compare them with a company of one full page (what grows with the data
alone).
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from bench.runner import interleave, record, say, size

FULL_ENTRIES = 10_000
SMALL_ENTRIES = 10
TARGET = 1.5
REPEAT = 5
PREFIX = "CV"
COMPANIES = 10  # CV0000001, CV0000006, …: each with 4 persons
PERSONS = 4
TEMPLATES = ("CVA", "CVB", "CVC")
PAGE_ENTRIES = 25  # the timeline's and the log page's rows
BIG, SMALL, PAGE = f"{PREFIX}0000001", f"{PREFIX}0000006", f"{PREFIX}0000011"


def _first_entry_no(count: int) -> int:
    from rapport.interactions.models import InteractionLogEntry

    try:
        from rapport.core.entry_numbers import reserve_numbers
    except ImportError:  # until H6 lands
        highest = InteractionLogEntry.objects.order_by("-entry_no").first()
        return (highest.entry_no if highest else 0) + 1
    return int(reserve_numbers(InteractionLogEntry, count))


def _entries(company: Any, count: int, user: Any, salesperson: Any) -> int:
    """`count` logged entries of `company` and its persons (see the module's docstring)."""
    from rapport.contacts.models import Contact
    from rapport.interactions.models import InteractionLogEntry, InteractionTemplate

    people = [company, *Contact.objects.filter(company=company).order_by("no")]
    templates = list(InteractionTemplate.objects.filter(code__in=TEMPLATES).order_by("code"))
    first = _first_entry_no(count)
    start = datetime.date(2023, 1, 1)
    rows = []
    for index in range(count):
        template = templates[index % len(templates)]
        rows.append(
            InteractionLogEntry(
                entry_no=first + index,
                contact=people[index % len(people)],
                contact_company=company,
                template=template,
                group_id=template.group_id,
                campaign_id=template.campaign_id,
                salesperson=salesperson,
                description=f"{template.description} {index}",
                date=start + datetime.timedelta(days=(index * 37) % 1100),
                time=datetime.time(8 + index % 10, (index * 7) % 60),
                cost=decimal.Decimal("0.50"),
                duration=decimal.Decimal(3),
                information_flow=template.information_flow,
                initiated_by=template.initiated_by,
                attempt_failed=index % 7 == 0,
                canceled=index % 10 == 9,
                user=user,
            )
        )
    InteractionLogEntry.objects.bulk_create(rows, batch_size=2000)
    return count


def _setup(entries: int) -> Any:
    from django.db import connection

    from bench import data
    from rapport.contacts.models import Contact, Salesperson
    from rapport.contacts.services import salesperson_create

    user = data.bench_user("marketing")
    data.contacts(COMPANIES * (PERSONS + 1), prefix=PREFIX, companies_every=PERSONS + 1)
    for code in TEMPLATES:
        data.bench_template(code)
    salesperson = Salesperson.objects.filter(code="BENCH").first() or salesperson_create(
        code="BENCH", name="Bench salesperson"
    )
    companies = list(Contact.objects.filter(no__startswith=PREFIX, type="company").order_by("no"))
    made = 0
    for company in companies:
        if company.no == BIG:
            count = entries
        elif company.no in (SMALL, PAGE):
            count = SMALL_ENTRIES if company.no == SMALL else PAGE_ENTRIES
        else:
            count = max(1, entries // (len(companies) - 3))
        made += _entries(company, count, user, salesperson)
    try:
        from rapport.interactions.services.totals import interaction_totals_rebuild
    except ImportError:  # until H4 lands
        pass
    else:
        interaction_totals_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"{made:,} entries ({entries:,} for {BIG}, {SMALL_ENTRIES} for {SMALL})")
    return user


def _pages() -> list[tuple[str, str, str, int]]:
    from django.urls import reverse

    log = reverse("interactions:log-list")
    card, log_page = "/contacts/{no}/", log + "?company_no={no}"
    return [
        ("contact card", card, SMALL, SMALL_ENTRIES),
        ("interaction log page", log_page, SMALL, SMALL_ENTRIES),
        ("contact card", card, PAGE, PAGE_ENTRIES),
        ("interaction log page", log_page, PAGE, PAGE_ENTRIES),
    ]


def run() -> None:
    from bench.segment_views import _client, _get, _queries, _requests

    entries = size(FULL_ENTRIES)
    client = _client(_setup(entries))
    for label, pattern, baseline, baseline_entries in _pages():
        big, small = pattern.format(no=BIG), pattern.format(no=baseline)
        for url in (big, small):
            _get(client, url)  # warm
        counts = (_queries(client, big), _queries(client, small))
        a, b = interleave(_requests(client, big, REPEAT), _requests(client, small, REPEAT))
        ratio = a.median / b.median if b.median else float("inf")
        record(
            f"{label}, 10,000 vs {baseline_entries} entries",
            entries,
            a,
            b,
            target=TARGET,
            met=ratio <= TARGET and counts[0] == counts[1],
            note=f"queries {counts[0]} vs {counts[1]}",
        )
