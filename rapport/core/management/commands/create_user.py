"""rapport create-user NAME --role ROLE [--email E] [--password-stdin]"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from rapport.core import services
from rapport.core.choices import Role
from rapport.core.management.base import RapportCommand


class Command(RapportCommand):
    help = "Create a user with a role. The password is asked for, or read from standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument("--language", default="en", choices=["en", "nl"])
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        else:
            raise CommandError("No terminal to ask for a password: use --password-stdin.")
        if not password:
            raise CommandError("The password may not be empty.")
        user = services.user_create(
            username=options["username"],
            role=options["role"],
            email=options["email"],
            language=options["language"],
            password=password,
        )
        self.stdout.write(f"Created user {user.username} with role {user.role}.")
