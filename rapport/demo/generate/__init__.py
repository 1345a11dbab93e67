"""`rapport generate`: fill a database with a realistic volume of contacts and interactions,
set-based (one INSERT … SELECT per kind of row, from generate_series on PostgreSQL and a
recursive CTE on SQLite), in one transaction.

* Contacts: a company every sixth contact, each person linked to a company just before it;
  numbers drawn at once from Marketing Setup's Contact Nos. (its last no. used moves past them);
  countries, cities, streets, names and job titles of the demo's five countries; salespeople,
  mailing groups, industry groups, business relations and job responsibilities from what
  exists (the demo's are made through the services for each table that is empty).
* Interactions: over `YEARS` years up to today, numbered after the highest entry no., with
  the templates (the demo's when there are none), campaigns (two a year when there are none)
  and their campaign entries; see `log`.
* Segments (optional): each made with `segment_create` and filled through the real
  add-contacts path with the contacts of one salesperson.

A database that has contacts is refused unless `add` is given; nothing is written then.
Afterwards the maintained totals are rebuilt (`interaction_totals_rebuild`,
`segment_totals_rebuild`) when those exist."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.contacts.models import Contact
from rapport.core.errors import DomainError
from rapport.core.permissions import MARKETING, user_can
from rapport.demo.generate import contacts, log, reference, sql

YEARS = 3
SQLITE_CACHE_KIB = 262_144
"""SQLite's page cache while generating (256 MB: the indexes of millions of rows fit)."""


class GenerateRefused(DomainError):
    """The database or the numbers given do not allow generating; nothing was written."""


@dataclass
class GenerateSummary:
    companies: int = 0
    persons: int = 0
    links: int = 0
    interactions: int = 0
    campaign_entries: int = 0
    segments: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return _(
            "Generated %(companies)s companies, %(persons)s persons, %(links)s classifications, "
            "%(interactions)s interactions, %(campaign_entries)s campaign entries and "
            "%(segments)s segments in %(seconds).1f s."
        ) % {
            "companies": f"{self.companies:,}",
            "persons": f"{self.persons:,}",
            "links": f"{self.links:,}",
            "interactions": f"{self.interactions:,}",
            "campaign_entries": f"{self.campaign_entries:,}",
            "segments": len(self.segments),
            "seconds": self.seconds,
        }


def check_count(value: object, name: str) -> int:
    """`value` as a whole number of 0 or more; GenerateRefused naming the option otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise GenerateRefused(
            _("%(name)s must be a whole number of 0 or more, not %(value)s.")
            % {"name": name, "value": value}
        )
    return value


def _refuse(contacts_count: int, interactions: int, segments: int, add: bool) -> None:
    if Contact.objects.exists() and not add:
        raise GenerateRefused(
            _(
                "The database has contacts already. Generate into an empty database, or give "
                "--add to add to what is there."
            )
        )
    if interactions and not contacts_count and not Contact.objects.exists():
        raise GenerateRefused(_("Interactions need contacts: give --contacts as well."))
    if segments and _segment_user() is None:
        raise GenerateRefused(
            _(
                "Segments are made by a user with the marketing or administrator role; create "
                "one first (rapport create-user NAME --role marketing)."
            )
        )


def _segment_user():  # type: ignore[no-untyped-def]
    from rapport.core.models import User

    for user in User.objects.filter(is_active=True).order_by("pk"):
        if user_can(user, MARKETING):
            return user
    return None


def generate(
    *,
    contacts_count: int,
    interactions: int,
    seed: int = 1,
    segments: int = 0,
    add: bool = False,
    say: Callable[[str], None] = lambda text: None,
) -> GenerateSummary:
    """Generate as the module says, in one transaction; raises GenerateRefused (nothing
    written) for a database with contacts (without `add`) or numbers that cannot be."""
    for value, name in ((contacts_count, "--contacts"), (interactions, "--interactions")):
        check_count(value, name)
    check_count(segments, "--segments")
    started = time.monotonic()
    summary = GenerateSummary()
    with transaction.atomic(), _fast_cache():
        _refuse(contacts_count, interactions, segments, add)
        today = timezone.localdate()
        _setup(interactions, segments, today, say)
        if contacts_count:
            _contacts(contacts_count, seed, summary, today, say)
        if interactions:
            _interactions(interactions, seed, summary, today, say)
        if segments:
            _segments(segments, summary, say)
        _rebuild_totals(say)
        log.drop_temp_tables()
    summary.seconds = time.monotonic() - started
    return summary


class _fast_cache:
    """SQLite's page cache made big for the duration (the default 2 MB makes index inserts of
    millions of rows read pages again and again); PostgreSQL needs nothing."""

    def __enter__(self) -> None:
        self.old = None
        if connection.vendor == "sqlite":
            self.old = sql.scalar("PRAGMA cache_size")
            sql.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")

    def __exit__(self, *exc: object) -> None:
        if self.old is not None:
            sql.execute(f"PRAGMA cache_size = {int(self.old)}")


def _setup(interactions: int, segments: int, today: datetime.date, say) -> None:  # type: ignore[no-untyped-def]
    reference.ensure_series("contact_nos", say)
    reference.ensure_salespeople(say)
    reference.ensure_classifications(say)
    if interactions:
        reference.ensure_templates(say)
        reference.ensure_campaigns(_first_day(today), today, say)
    if segments:
        reference.ensure_series("segment_nos", say)
        reference.ensure_templates(say)


def _first_day(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=365 * YEARS - 1)


def _contacts(count: int, seed: int, summary: GenerateSummary, today, say) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    world = reference.load_word_tables(seed)
    block = contacts.draw_numbers(world.setup.contact_nos, count, today)
    first_id = Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    now = timezone.now()
    with sql.indexes_rebuilt(Contact, count):
        summary.companies = contacts.insert_companies(block, world, seed, now)
        say(_("%(count)s companies inserted.") % {"count": f"{summary.companies:,}"})
        summary.persons = contacts.insert_persons(block, world, seed, now)
        say(_("%(count)s persons inserted.") % {"count": f"{summary.persons:,}"})
        summary.links = contacts.insert_links(world, first_id, seed, now, count)
    reference.drop_word_tables()
    say(
        _("%(count)s classifications inserted; contacts took %(seconds).1f s.")
        % {"count": f"{summary.links:,}", "seconds": time.monotonic() - started}
    )


def _interactions(count: int, seed: int, summary: GenerateSummary, today, say) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    days = 365 * YEARS
    counts = log.load_log_tables(_first_day(today), days)
    if counts["contacts"] == 0:
        raise GenerateRefused(_("Interactions need contacts that are not privacy blocked."))
    now = timezone.now()
    first = log.insert_entries(count, days, counts, seed, now)
    summary.interactions = count
    say(
        _("%(count)s interactions inserted (entry no. %(first)s to %(last)s).")
        % {"count": f"{count:,}", "first": first, "last": first + count - 1}
    )
    summary.campaign_entries = log.insert_campaign_entries(first, count, now)
    say(
        _("%(count)s campaign entries inserted; interactions took %(seconds).1f s.")
        % {"count": f"{summary.campaign_entries:,}", "seconds": time.monotonic() - started}
    )


def _segments(count: int, summary: GenerateSummary, say) -> None:  # type: ignore[no-untyped-def]
    """`count` segments on the first template of a letter group, each with the contacts of
    one salesperson, added through the add-contacts operation."""
    from rapport.contacts.models import Salesperson
    from rapport.interactions.models import InteractionTemplate
    from rapport.segments import services as segment_services

    user = _segment_user()
    template = (
        InteractionTemplate.objects.filter(group__code="LETTER").order_by("code").first()
        or InteractionTemplate.objects.order_by("code").first()
    )
    codes = list(Salesperson.objects.order_by("code").values_list("code", flat=True))
    for index in range(count):
        code = codes[index % len(codes)]
        segment = segment_services.segment_create(
            actor=user,
            description=f"Generated: contacts of {code}",
            template=template.code if template else None,
        )
        result = segment_services.segment_add_contacts(
            actor=user, segment=segment, filters={"contact": {"salesperson_code": code}}
        )
        summary.segments.append(segment.no)
        say(_("Segment %(no)s: %(summary)s") % {"no": segment.no, "summary": result.summary()})


def _rebuild_totals(say) -> None:  # type: ignore[no-untyped-def]
    """The maintained totals of interactions and segments, rebuilt from the rows (those
    modules may not exist yet)."""
    try:
        from rapport.interactions.services.totals import interaction_totals_rebuild
    except ImportError:  # until H4 lands
        pass
    else:
        interaction_totals_rebuild()
        say(_("Interaction totals rebuilt."))
    try:
        from rapport.segments.services.totals import segment_totals_rebuild
    except ImportError:  # until H5 lands
        pass
    else:
        segment_totals_rebuild()
        say(_("Segment totals rebuilt."))
