"""MAIL_BACKEND=console: every mail goes to the log and to a file in instance/mail/ (one per mail),
so a newcomer reads what the site sends without a mail server."""
from __future__ import annotations

import logging

from flask_mailman.backends.file import EmailBackend as FileBackend

log = logging.getLogger("participation.mail")


class EmailBackend(FileBackend):
    def write_message(self, message):
        log.info("mail to %s: %s", ", ".join(message.recipients()), message.subject)
        super().write_message(message)

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:  # one file per mail: easy to find and read
            self._fname = None
            sent += super().send_messages([message])
        return sent
