"""rapport segment-add-contacts NO --filter SECTION.FIELD=EXPR ... [--allow-existing]
[--expand-companies] [--allow-related-companies] [--ignore-exclusion] [--dry-run]
[--user NAME]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from rapport.core.management.base import RapportCommand
from rapport.core.models import User
from rapport.segments import selectors, services


def parse_filters(values: list[str]) -> dict[str, dict[str, str]]:
    """`["contact.country_code=NL|BE", "mailing_group.code=NEWS"]` as the filters object;
    the expression is everything after the first "=" (it may contain "=" itself)."""
    filters: dict[str, dict[str, str]] = {}
    for value in values:
        key, sep, expression = value.partition("=")
        section, dot, field = key.strip().partition(".")
        if not sep or not dot or not section or not field:
            raise CommandError(
                f"--filter {value!r}: write SECTION.FIELD=EXPRESSION, e.g. contact.country_code=NL"
            )
        filters.setdefault(section, {})[field] = expression
    return filters


class Command(RapportCommand):
    help = (
        "Add contacts to a segment by criteria (reference 2.4.1) and print the counts: added "
        "and skipped per reason. Sections: " + ", ".join(services.SECTIONS) + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("no", help="The segment no.")
        parser.add_argument(
            "--filter",
            dest="filters",
            action="append",
            default=[],
            metavar="SECTION.FIELD=EXPR",
            help="A NAV filter expression for a field, e.g. contact.country_code='NL|BE' "
            "(repeatable).",
        )
        parser.add_argument("--allow-existing", action="store_true")
        parser.add_argument("--expand-companies", action="store_true")
        parser.add_argument("--allow-related-companies", action="store_true")
        parser.add_argument("--ignore-exclusion", action="store_true")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the contacts; change nothing."
        )
        parser.add_argument(
            "--user",
            default=None,
            help="Act as this user (recorded on the criteria action; needs the marketing "
            "role). Default: the command line.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"] is not None:
            actor = User.objects.filter(username__iexact=options["user"].strip()).first()
            if actor is None or not actor.is_active:
                raise CommandError(f"There is no active user {options['user']!r}.")
        segment = selectors.segment_get(options["no"])
        result = services.segment_add_contacts(
            actor=actor,
            segment=segment,
            filters=parse_filters(options["filters"]),
            allow_existing=options["allow_existing"],
            expand_companies=options["expand_companies"],
            allow_related_companies=options["allow_related_companies"],
            ignore_exclusion=options["ignore_exclusion"],
            dry_run=options["dry_run"],
        )
        suffix = " (dry run)" if result.dry_run else ""
        self.stdout.write(f"Segment {segment.no}: {result.summary()}{suffix}")
