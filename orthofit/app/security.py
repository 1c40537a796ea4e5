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

#: Argon2id with OWASP's first listed setting (19 MiB, 2 passes, 1 lane; Password Storage
#: Cheat Sheet): about 25 ms of one core per login. The library's default (64 MiB, 3 passes,
#: 4 lanes) took 190 ms of processor per login, so a room of clinicians logging in at 8:00
#: held up everyone's pages on a 2-core clinic computer. Hashes made with other settings
#: still verify, and are re-made with these at the next login (:func:`needs_rehash`).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

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


def needs_rehash(stored: str) -> bool:
    """Whether a verified hash was made with other settings than :data:`_hasher`'s."""
    return _hasher.check_needs_rehash(stored)


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
