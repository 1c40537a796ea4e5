"""Accounts: making one (``orthofit serve --create-user``)."""

from __future__ import annotations

from sqlalchemy import select

from orthofit.app.database import Database
from orthofit.app.models import Clinic, Role, User
from orthofit.app.security import MIN_PASSWORD, hash_password
from orthofit.errors import ValidationError


def create_user(db: Database, name: str, role: str, clinic: str, password: str) -> None:
    """Make an account in ``clinic`` (made if new); one-line errors for a taken name, an
    unknown role or a short password.
    """
    if role not in {r.value for r in Role}:
        raise ValidationError(f"role {role!r}: use clinician, lab or admin")
    if not (1 <= len(name) <= 64 and name.isprintable() and " " not in name):
        raise ValidationError("a user name is 1-64 characters without spaces")
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD} characters")
    with db.session() as s:
        if s.scalar(select(User).where(User.username == name)):
            raise ValidationError(f"user {name!r} exists already")
        c = s.scalar(select(Clinic).where(Clinic.name == clinic))
        if c is None:
            c = Clinic(name=clinic[:200])
            s.add(c)
            s.flush()
        s.add(User(clinic_id=c.id, username=name, password_hash=hash_password(password), role=Role(role)))
