"""The demo clinic: ``orthofit serve --demo`` seeds one clinic, a clinician, a lab user and
the bundled examples as patients (each with one visit), unless they are there already.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from sqlalchemy import select

from orthofit.app.database import Database
from orthofit.app.models import Clinic, Patient, Role, User, Visit, VisitFile
from orthofit.app.security import hash_password
from orthofit.app.store import FileStore, record_file

DEMO_CLINIC = "Demo clinic"
#: The demo accounts (user name, password, role): for trying the app on one's own machine.
DEMO_USERS = (("demo", "demo-clinician", Role.CLINICIAN), ("lab", "demo-lab-user", Role.LAB))


def examples_dir() -> Path:
    """The bundled examples: beside the package in a clone (or editable install), else in the
    working folder.
    """
    for folder in (Path(__file__).resolve().parents[2] / "examples", Path.cwd() / "examples"):
        if (folder / "normal-adult.toml").is_file():
            return folder
    from orthofit.errors import ValidationError

    raise ValidationError("the demo needs the bundled examples: run orthofit serve --demo in the clone's folder")


def seed_demo(db: Database, store: FileStore, examples: Path | None = None) -> int:
    """Add the demo clinic, users and patients; returns how many patients were added."""
    examples = examples or examples_dir()
    added = 0
    with db.session() as s:
        clinic = s.scalar(select(Clinic).where(Clinic.name == DEMO_CLINIC))
        if clinic is None:
            clinic = Clinic(name=DEMO_CLINIC)
            s.add(clinic)
            s.flush()
        for name, password, role in DEMO_USERS:
            if s.scalar(select(User).where(User.username == name)) is None:
                s.add(User(clinic_id=clinic.id, username=name, password_hash=hash_password(password), role=role))
        s.flush()
        author = s.scalar(select(User).where(User.username == DEMO_USERS[0][0]))
        assert author is not None
        for path in sorted(examples.glob("*.toml")):
            text = path.read_text(encoding="utf-8")
            raw = tomllib.loads(text)
            p = raw["patient"]
            if s.scalar(select(Patient).where(Patient.clinic_id == clinic.id, Patient.code == p["id"])):
                continue
            patient = Patient(clinic_id=clinic.id, code=p["id"], name=p.get("name", p["id"]), sex=p.get("sex"))
            s.add(patient)
            s.flush()
            visit = Visit(patient_id=patient.id, visit_date=date.today(), case_toml=text, created_by=author.id)
            s.add(visit)
            s.flush()
            for side in ("left", "right"):
                for key in ("scan", "footprint_grid"):
                    ref = raw.get(side, {}).get(key)
                    if ref and not s.scalar(
                        select(VisitFile).where(VisitFile.visit_id == visit.id, VisitFile.name == ref)
                    ):
                        record_file(store, s, visit.id, ref, "input", (path.parent / ref).read_bytes())
                        s.flush()
            added += 1
    return added
