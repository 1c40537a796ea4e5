"""Passwords (Argon2), CSRF tokens and the login rate limit."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from orthofit.app.models import LoginAttempt

_hasher = PasswordHasher()

#: Failed logins allowed per user name or address in :data:`LOGIN_WINDOW` before refusing.
LOGIN_FAILURES = 5
LOGIN_WINDOW = timedelta(minutes=5)
#: Shortest password accepted.
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


#: Verified against when the user does not exist, so a wrong name takes as long as a wrong password.
DUMMY_HASH = hash_password(secrets.token_hex(16))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def too_many_failures(db: Session, username: str, address: str, now: datetime) -> bool:
    """Whether this user name or address failed too often lately."""
    since = now - LOGIN_WINDOW
    count = db.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.at >= since, or_(LoginAttempt.username == username, LoginAttempt.address == address))
    )
    return (count or 0) >= LOGIN_FAILURES


def record_failure(db: Session, username: str, address: str, now: datetime) -> None:
    db.add(LoginAttempt(username=username[:64], address=address[:64], at=now))
