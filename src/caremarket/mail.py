"""E-mail by SMTP, for notifications (the standard library's smtplib and email)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from caremarket.config import Settings


class SmtpMailer:
    """One connection per batch: open it with `with`, send, and it is closed."""

    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ValueError("no mail server: set CAREMARKET_SMTP_HOST to send e-mail")
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpMailer:
        s = self.settings
        assert s.smtp_host is not None
        self.connection = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30)
        if s.smtp_starttls:
            self.connection.starttls()
        if s.smtp_user and s.smtp_password:
            self.connection.login(s.smtp_user, s.smtp_password.get_secret_value())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            self.connection.quit()
            self.connection = None

    def send(self, to: str, subject: str, body: str) -> None:
        assert self.connection is not None, "send() outside `with mailer:`"
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        self.connection.send_message(message)
