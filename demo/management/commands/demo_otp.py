"""`manage.py demo_otp <username>`: the code a demo account's authenticator app shows now.

For the demo only (`make otp user=ondersteuner`): it prints a second factor, so it refuses to run unless
DEBUG is on.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zvhd.accounts.models import User
from zvhd.accounts.selectors import totp_devices_confirmed
from zvhd.accounts.totp import totp_code_usable_now, totp_secret_for_typing


class Command(BaseCommand):
    help = (
        "Print the current login code of a demo account's authenticator app, and its key for adding it to "
        "an app of your own. Only with DEBUG on (DJANGO_DEBUG=true)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The demo account, for example ondersteuner.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "demo_otp prints second factors and runs only with DEBUG on (DJANGO_DEBUG=true)."
            )
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no account {options['username']!r}.")
        devices = totp_devices_confirmed(user=user)
        if not devices:
            raise CommandError(f"{user.username} has no authenticator app yet: the login page links one.")
        device = devices[0]
        code = totp_code_usable_now(device)
        while code is None:  # a code is accepted once; the next one comes within 30 seconds
            time.sleep(1)
            code = totp_code_usable_now(device)
        self.stdout.write(f"Login code of {user.username}: {code} (valid for at least 30 seconds)")
        self.stdout.write(
            f"Key for an authenticator app of your own (time-based): {totp_secret_for_typing(device.key)}"
        )
