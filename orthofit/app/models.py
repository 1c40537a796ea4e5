"""The app's tables (SQLAlchemy 2). The schema is versioned by Alembic (``migrations/``):
change a table here, then add a revision there; the app upgrades the database on start.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Enum, ForeignKey, Integer, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Role(enum.StrEnum):
    CLINICIAN = "clinician"
    LAB = "lab"
    ADMIN = "admin"


class OrderStatus(enum.StrEnum):
    """A visit's order, in the order it moves."""

    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent to lab"
    PRINTED = "printed"
    DELIVERED = "delivered"


class Clinic(Base):
    __tablename__ = "clinics"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    clinic: Mapped[Clinic] = relationship()


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("clinic_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # the case file's patient.id: names output files
    name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    visits: Mapped[list[Visit]] = relationship(back_populates="patient", order_by="Visit.visit_date, Visit.id")


class StoredFile(Base):
    """A file in the content-addressed store, by its SHA-256."""

    __tablename__ = "files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(Integer)


class Visit(Base):
    """One visit: its case file (the record), the files it names, and its order."""

    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    visit_date: Mapped[date] = mapped_column(Date)
    case_toml: Mapped[str] = mapped_column(Text)
    profile: Mapped[str] = mapped_column(String(64), default="neutral")
    status: Mapped[OrderStatus] = mapped_column(
        Enum(OrderStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=OrderStatus.DRAFT,
    )
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    #: The clinician's parameter changes (``--set``), JSON; frozen with the files on approval.
    overrides_json: Mapped[str] = mapped_column(Text, server_default="{}", default="{}")
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    orthofit_version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    patient: Mapped[Patient] = relationship(back_populates="visits")
    files: Mapped[list[VisitFile]] = relationship(back_populates="visit", order_by="VisitFile.name")

    @property
    def number(self) -> int:
        """The visit's number for its patient (1 for the first, by date): what pages show,
        where the id (the URL's) counts every clinic's visits.
        """
        return self.patient.visits.index(self) + 1  # the relationship is ordered by date, then id


class VisitFile(Base):
    """A file of a visit: an input the case file names (a scan, a grid) or an approved output."""

    __tablename__ = "visit_files"
    __table_args__ = (UniqueConstraint("visit_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # "input" or "output"
    sha256: Mapped[str] = mapped_column(ForeignKey("files.sha256"))
    visit: Mapped[Visit] = relationship(back_populates="files")


class LoginAttempt(Base):
    """Failed logins, for the rate limit."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class ApiToken(Base):
    """A token for a lab's own software (``Authorization: Bearer ...``): acts as its user, in
    its user's clinic. Only its SHA-256 is kept; the token is shown once, when made.
    """

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    revoked: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    user: Mapped[User] = relationship()
