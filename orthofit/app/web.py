"""The ASGI app (FastAPI on Starlette, served by uvicorn) and its pages.

Every route but ``/login``, ``/healthz`` and ``/static`` needs a session; a user sees only
their clinic's patients (any other id is "not found"); every POST needs the session's CSRF
token (form field ``csrf`` or header ``X-CSRF-Token``). Pages are Jinja2 templates
(autoescaped: a name with HTML in it shows as text) with htmx for the live parts.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import tomllib
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware.sessions import SessionMiddleware

from orthofit import __version__
from orthofit.app import security
from orthofit.app.config import AppConfig
from orthofit.app.database import Database, upgrade
from orthofit.app.jobs import (
    CASE_NAME,
    Jobs,
    Lane,
    approve_job,
    assess_job,
    fhir_job,
    fit_command,
    safe_relative,
)
from orthofit.app.models import ApiToken, OrderStatus, Patient, Role, StoredFile, User, Visit, VisitFile
from orthofit.app.store import FileStore, record_file
from orthofit.app.visits import (
    FOOT_ROWS,
    FPI6_ITEMS,
    SIDES,
    case_from_form,
    feature_label,
    file_kind,
    files_in_order,
    form_from_case,
    measure_titles,
    param_label,
    setting_text,
)
from orthofit.assess.assessment import format_value
from orthofit.config.limits import MAX_FILE_BYTES
from orthofit.errors import UserError

HERE = Path(__file__).resolve().parent
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
SEXES = ("female", "male", "other")


class LoginRequired(Exception):
    """Raised by :func:`current_user` when the request has no session: answered with the login page."""


def session_db(request: Request) -> Iterator[Session]:
    """The request's database session. A route that writes commits before it answers (the
    browser follows a redirect at once, and this cleanup may run after the response is sent);
    anything left is committed here, and an error rolls the whole request back.
    """
    with request.app.state.db.sessions() as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


Db = Annotated[Session, Depends(session_db)]


def current_user(request: Request, s: Db) -> User:
    """The logged-in user; :class:`LoginRequired` (answered with the login page) otherwise."""
    uid = request.session.get("user_id")
    u = s.get(User, uid) if isinstance(uid, int) else None
    if u is None:
        raise LoginRequired()
    return u


CurrentUser = Annotated[User, Depends(current_user)]


async def require_csrf(request: Request) -> None:
    """Refuse a POST without the session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``)."""
    given = request.headers.get("x-csrf-token")
    if given is None:
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not security.csrf_matches(request.session.get("csrf"), given):
        raise HTTPException(403, "The form has expired or did not come from this app: reload the page and try again.")


Csrf = Depends(require_csrf)


def api_user(request: Request, s: Db) -> User:
    """The user a bearer token acts as; 401 without a valid, unrevoked one."""
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("bearer "):
        raise HTTPException(401, "Give a token: Authorization: Bearer <token> (made on the app's Tokens page).")
    digest = hashlib.sha256(auth[7:].strip().encode()).hexdigest()
    t = s.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest, ApiToken.revoked.is_(False)))
    if t is None:
        raise HTTPException(401, "The token is not valid or was revoked.")
    return t.user


ApiUser = Annotated[User, Depends(api_user)]


def create_app(config: AppConfig) -> FastAPI:
    """The app for ``config``: the database is upgraded and the store swept on start."""
    db = Database(config.db_url)
    store = FileStore(config.files_dir)
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upgrade(config.db_url)
        with db.session() as s:
            referenced = set(s.scalars(select(StoredFile.sha256)))
        store.sweep(referenced)  # files of a save that was killed before its transaction
        state["jobs"] = Jobs(config.workers)
        yield
        state["jobs"].close()
        db.engine.dispose()

    app = FastAPI(title="orthofit", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret_key(),
        session_cookie="orthofit_session",
        same_site="strict",
        https_only=False,  # served on the clinic's own machine; put TLS in front for a network
        max_age=12 * 3600,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    # a measure's value with its unit, as the command line and the report print it
    templates.env.filters["measure"] = lambda value, name: "—" if value is None else format_value(name, value)
    templates.env.filters["param_label"] = param_label
    templates.env.filters["setting"] = setting_text
    templates.env.filters["feature_label"] = feature_label
    templates.env.filters["file_kind"] = file_kind
    templates.env.filters["files_in_order"] = files_in_order
    app.state.db, app.state.store, app.state.config = db, store, config

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _error_page(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        # The page keeps its frame (menu, who is logged in, version) when there is a session.
        u = None
        if "user_id" in request.session:
            with db.session() as s:
                u = s.get(User, request.session["user_id"])
                if u is not None:
                    _ = u.clinic.name  # loaded before the session closes
        response = page(request, "error.html", u, status=exc.status_code, message=exc.detail)
        response.status_code = exc.status_code
        return response

    def page(request: Request, name: str, u: User | None, **ctx: Any) -> HTMLResponse:
        if "csrf" not in request.session:
            request.session["csrf"] = security.new_csrf_token()
        return templates.TemplateResponse(
            request, name, {"user": u, "csrf": request.session["csrf"], "version": __version__, **ctx}
        )

    def own_patient(s: Session, u: User, pid: int) -> Patient:
        p = s.get(Patient, pid)
        if p is None or p.clinic_id != u.clinic_id:
            raise HTTPException(404, "No such patient.")
        return p

    def own_visit(s: Session, u: User, vid: int) -> Visit:
        v = s.get(Visit, vid)
        if v is None or v.patient.clinic_id != u.clinic_id:
            raise HTTPException(404, "No such visit.")
        return v

    def inputs_of(v: Visit) -> dict[str, str]:
        """The files a visit's case names (name -> path in the store), as a job lays them out."""
        return {f.name: str(store.path(f.sha256)) for f in v.files if f.kind == "input"}

    def clinic_file(s: Session, u: User, sha: str) -> VisitFile:
        """A stored file that a visit of the user's clinic has; 404 otherwise."""
        row = s.scalar(
            select(VisitFile)
            .join(Visit)
            .join(Patient)
            .where(VisitFile.sha256 == sha, Patient.clinic_id == u.clinic_id)
            .limit(1)
        )
        if row is None:
            raise HTTPException(404, "No such file.")
        return row

    def move_order(s: Session, v: Visit, u: User, to: str) -> None:
        """Move an order one step to ``to`` (409 if that is not its next step, 403 if the role may not)."""
        step = NEXT.get(v.status)
        if step is None or to != step[0].value:
            raise HTTPException(409, f"Visit {v.number} is {v.status.value}; it cannot move to {to[:30]!r}.")
        if u.role not in step[1]:
            raise HTTPException(403, f"A {u.role.value} account cannot mark an order {step[0].value}.")
        v.status = step[0]
        s.commit()

    # --- public ---------------------------------------------------------------------------

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        """``ok`` once the worker processes have started and imported the pipeline (a second
        or two after start), ``starting`` before: what a monitor or a load test waits for.
        """
        jobs = state.get("jobs")
        return PlainTextResponse("ok" if jobs and jobs.ready() else "starting")

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/patients") -> HTMLResponse:
        return page(request, "login.html", None, next=_local(next), error="")

    @app.post("/login", response_class=HTMLResponse, dependencies=[Csrf])
    async def login(request: Request, s: Db) -> Response:
        form = await request.form()
        name, password = str(form.get("username", ""))[:64], str(form.get("password", ""))
        address = request.client.host if request.client else "?"
        now = datetime.now(UTC).replace(tzinfo=None)
        if security.too_many_failures(s, name, address, now):
            return page(
                request,
                "login.html",
                None,
                next="/patients",
                error="Too many failed attempts: wait five minutes and try again.",
            )
        u = s.scalar(select(User).where(User.username == name))
        # Argon2 is slow on purpose: verified on a worker thread, not on the event loop.
        ok = await run_in_threadpool(security.verify_password, u.password_hash if u else security.DUMMY_HASH, password)
        if not ok or u is None:
            security.record_failure(s, name, address, now)
            s.commit()
            return page(
                request,
                "login.html",
                None,
                next=_local(str(form.get("next", ""))),
                error="Wrong user name or password.",
            )
        if security.needs_rehash(u.password_hash):
            u.password_hash = await run_in_threadpool(security.hash_password, password)
            s.commit()
        request.session.clear()
        request.session.update(user_id=u.id, csrf=security.new_csrf_token())
        return RedirectResponse(_local(str(form.get("next", ""))), status_code=303)

    @app.post("/logout", dependencies=[Csrf])
    def logout(request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # --- patients ----------------------------------------------------------------------------

    @app.get("/")
    def home(u: CurrentUser) -> Response:
        return RedirectResponse("/patients", status_code=303)

    def _search(s: Session, u: User, q: str) -> list[Patient]:
        query = select(Patient).where(Patient.clinic_id == u.clinic_id)
        q = q.strip()[:100]
        if q:
            like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(or_(Patient.name.ilike(like, escape="\\"), Patient.code.ilike(like, escape="\\")))
        return list(s.scalars(query.order_by(Patient.name, Patient.id).limit(200)))

    @app.get("/patients", response_class=HTMLResponse)
    def patients(request: Request, s: Db, u: CurrentUser, q: str = "") -> HTMLResponse:
        name = "patient_rows.html" if request.headers.get("hx-request") else "patients.html"
        return page(request, name, u, patients=_search(s, u, q), q=q)

    @app.get("/patients/new", response_class=HTMLResponse)
    def patient_new(request: Request, u: CurrentUser) -> HTMLResponse:
        return page(request, "patient_new.html", u, values={}, errors={}, sexes=SEXES)

    @app.post("/patients", response_class=HTMLResponse, dependencies=[Csrf])
    async def patient_create(request: Request, s: Db, u: CurrentUser) -> Response:
        form = await request.form()
        values = {k: str(form.get(k, "")).strip() for k in ("code", "name", "sex")}
        errors = {}
        if not _CODE.fullmatch(values["code"]):
            errors["code"] = "Use 1-64 letters, digits, '.', '_' or '-' (it names the patient's files)."
        elif s.scalar(select(Patient).where(Patient.clinic_id == u.clinic_id, Patient.code == values["code"])):
            errors["code"] = "Another patient of this clinic has this number."
        try:
            from orthofit.io.case_file import check_text

            if not values["name"]:
                raise UserError("give the patient's name")
            check_text(values["name"], "name")
        except UserError as err:
            errors["name"] = str(err)
        if values["sex"] not in ("", *SEXES):
            errors["sex"] = "Choose one of the listed values."
        if errors:
            return page(request, "patient_new.html", u, values=values, errors=errors, sexes=SEXES)
        p = Patient(clinic_id=u.clinic_id, code=values["code"], name=values["name"], sex=values["sex"] or None)
        s.add(p)
        s.commit()
        return RedirectResponse(f"/patients/{p.id}", status_code=303)

    @app.get("/patients/{pid}", response_class=HTMLResponse)
    def patient(request: Request, pid: int, s: Db, u: CurrentUser) -> HTMLResponse:
        return page(request, "patient.html", u, patient=own_patient(s, u, pid))

    # --- visits ------------------------------------------------------------------------------

    def _form_page(request: Request, u: User, p: Patient, values: dict, errors: dict) -> HTMLResponse:
        return page(
            request,
            "visit_form.html",
            u,
            patient=p,
            values=values,
            errors=errors,
            rows=FOOT_ROWS,
            sides=SIDES,
            fpi6_items=FPI6_ITEMS,
        )

    @app.get("/patients/{pid}/visits/new", response_class=HTMLResponse)
    def visit_new(request: Request, pid: int, s: Db, u: CurrentUser) -> HTMLResponse:
        p = own_patient(s, u, pid)
        values = form_from_case(p.visits[-1].case_toml) if p.visits else {}
        return _form_page(request, u, p, values, {})

    @app.post("/patients/{pid}/visits", response_class=HTMLResponse, dependencies=[Csrf])
    async def visit_create(request: Request, pid: int, s: Db, u: CurrentUser) -> Response:
        p = own_patient(s, u, pid)
        form = await request.form()
        f = case_from_form(
            p.code, p.name, p.sex, {k: v for k, v in form.items() if isinstance(v, str)}, _clinician(u, date.today())
        )
        if not f.ok:
            return _form_page(request, u, p, f.values, f.errors)
        v = Visit(patient_id=p.id, visit_date=date.today(), case_toml=f.case_toml, created_by=u.id)
        s.add(v)
        s.commit()
        return RedirectResponse(f"/visits/{v.id}", status_code=303)

    @app.post("/patients/{pid}/import", response_class=HTMLResponse, dependencies=[Csrf])
    async def visit_import(request: Request, pid: int, s: Db, u: CurrentUser) -> Response:
        """A case file and the files it names, uploaded: checked like the command line's inputs."""
        p = own_patient(s, u, pid)
        form = await request.form()
        uploads = [x for x in form.getlist("files") if isinstance(x, UploadFile) and x.filename]
        try:
            case_toml, inputs = await _read_upload(uploads, p, _clinician(u, date.today()))
        except UserError as err:
            return page(request, "patient.html", u, patient=p, import_error=str(err))
        # Files first (each whole under its hash), then one transaction for the visit and its rows.
        v = Visit(patient_id=p.id, visit_date=date.today(), case_toml=case_toml, created_by=u.id)
        s.add(v)
        s.flush()
        for name, data in inputs.items():
            record_file(store, s, v.id, name, "input", data)
        s.commit()
        return RedirectResponse(f"/visits/{v.id}", status_code=303)

    @app.get("/visits/{vid}", response_class=HTMLResponse)
    async def visit(request: Request, vid: int, s: Db, u: CurrentUser) -> HTMLResponse:
        v = own_visit(s, u, vid)
        inputs = inputs_of(v)
        # A visit's case and files never change: its assessment is computed once per server.
        key = hashlib.sha256(
            json.dumps([v.case_toml, sorted((f.name, f.sha256) for f in v.files if f.kind == "input")]).encode()
        ).hexdigest()
        result = assessments.get(key)
        if result is None:
            result = await state["jobs"].run(Lane.PAGE, assess_job, v.case_toml, inputs)
            assessments[key] = result
            while len(assessments) > 512:
                assessments.popitem(last=False)
        outputs = [f for f in v.files if f.kind == "output"]
        step = NEXT.get(v.status)
        note = request.session.pop("note", None)
        return page(
            request,
            "visit.html",
            u,
            visit=v,
            patient=v.patient,
            result=result,
            titles=measure_titles(),
            outputs=outputs,
            next_step=step[0] if step and u.role in step[1] else None,
            overrides=json.loads(v.overrides_json or "{}"),
            note=note,
        )

    previews: OrderedDict[str, tuple[int, dict[str, bytes]]] = OrderedDict()  # token -> (clinic, side -> STL)
    assessments: OrderedDict[str, dict[str, Any]] = OrderedDict()  # visit inputs' hash -> assessment

    def _parameter_groups() -> list[tuple[str, list[Any]]]:
        from orthofit.config.params import PARAMETERS

        groups: dict[str, list[Any]] = {}
        for spec in PARAMETERS.values():
            groups.setdefault(spec.feature, []).append(spec)
        return list(groups.items())

    def _choices() -> list[tuple[str, list[str]]]:
        from orthofit.config.params import CHOICES

        return [(name, [c.value for c in kind]) for name, (kind, _) in CHOICES.items()]

    @app.get("/visits/{vid}/design", response_class=HTMLResponse)
    def design(request: Request, vid: int, s: Db, u: CurrentUser, profile: str = "neutral") -> HTMLResponse:
        from orthofit.config.profiles import profile_names

        v = own_visit(s, u, vid)
        names = profile_names()
        return page(
            request,
            "design.html",
            u,
            visit=v,
            patient=v.patient,
            profiles=names,
            profile=profile if profile in names else "neutral",
            groups=_parameter_groups(),
            choices=_choices(),
        )

    @app.post("/visits/{vid}/preview", response_class=HTMLResponse, dependencies=[Csrf])
    async def preview(request: Request, vid: int, s: Db, u: CurrentUser) -> HTMLResponse:
        """Prescribe and build both insoles with the form's values; the 3D view loads the STLs."""
        from orthofit.config.profiles import profile_names

        v = own_visit(s, u, vid)
        _not_frozen(v)
        form = await request.form()
        profile = str(form.get("profile", "neutral"))
        if profile not in profile_names():
            raise HTTPException(400, "Choose one of the listed profiles.")
        posted = _posted(form)
        if form.get("reset"):
            posted = {}
        inputs = inputs_of(v)
        result = await state["jobs"].design(v.case_toml, inputs, profile, posted)
        token = secrets.token_urlsafe(16)
        if "sides" in result:
            meshes: dict[str, bytes] = {}
            for side, d in result["sides"].items():
                meshes[side] = d.pop("stl")
                for i, z in enumerate(d["zones"]):
                    meshes[f"{side}-zone{i}"] = z.pop("stl")
            previews[token] = (u.clinic_id, meshes)
            while len(previews) > 64:  # a few per user is plenty: the oldest go
                previews.popitem(last=False)
        return page(request, "preview.html", u, visit=v, result=result, token=token, titles=measure_titles())

    @app.get("/previews/{token}/{side}.stl")
    def preview_stl(token: str, side: str, u: CurrentUser) -> Response:
        """A preview's insole (``left``, ``right``) or one of its zones (``left-zone0``...)."""
        entry = previews.get(token)
        if entry is None or entry[0] != u.clinic_id or side not in entry[1]:
            raise HTTPException(404, "No such preview (it may have expired): change a value to rebuild it.")
        return Response(entry[1][side], media_type="model/stl")

    def _not_frozen(v: Visit) -> None:
        if v.status is not OrderStatus.DRAFT:
            raise HTTPException(409, f"Visit {v.number} is {v.status.value}: its prescription and files are frozen.")

    @app.post("/visits/{vid}/approve", response_class=HTMLResponse, dependencies=[Csrf])
    async def approve(request: Request, vid: int, s: Db, u: CurrentUser) -> Response:
        """Freeze the visit: build every file once more (``orthofit fit``), store them with their SHA-256."""
        from orthofit.config.profiles import profile_names

        v = own_visit(s, u, vid)
        if u.role is Role.LAB:
            raise HTTPException(403, "A lab account cannot approve a prescription.")
        _not_frozen(v)
        form = await request.form()
        profile = str(form.get("profile", "neutral"))
        if profile not in profile_names():
            raise HTTPException(400, "Choose one of the listed profiles.")
        posted = _posted(form)
        inputs = inputs_of(v)
        result = await state["jobs"].run(Lane.BUILD, approve_job, v.case_toml, inputs, profile, posted)
        if "error" in result:
            raise HTTPException(400, f"The visit cannot be approved: {result['error']}")
        # Files first (each whole under its hash), then the visit's rows in this one transaction.
        for name, data in result["files"].items():
            record_file(store, s, v.id, name, "output", data)
        v.profile, v.overrides_json = profile, json.dumps(result["overrides"], sort_keys=True)
        v.status, v.approved_at, v.approved_by = OrderStatus.APPROVED, datetime.now(UTC).replace(tzinfo=None), u.id
        v.orthofit_version = __version__
        s.commit()
        return (
            Response(status_code=204, headers={"HX-Redirect": f"/visits/{v.id}"})
            if request.headers.get("hx-request")
            else RedirectResponse(f"/visits/{v.id}", status_code=303)
        )

    #: Who may move an order to each next status.
    NEXT: dict[OrderStatus, tuple[OrderStatus, set[Role]]] = {
        OrderStatus.APPROVED: (OrderStatus.SENT, {Role.CLINICIAN, Role.ADMIN}),
        OrderStatus.SENT: (OrderStatus.PRINTED, {Role.LAB, Role.ADMIN}),
        OrderStatus.PRINTED: (OrderStatus.DELIVERED, {Role.CLINICIAN, Role.LAB, Role.ADMIN}),
    }

    @app.post("/visits/{vid}/advance", dependencies=[Csrf])
    async def advance(request: Request, vid: int, s: Db, u: CurrentUser) -> Response:
        """Move the order one step: approved -> sent to lab -> printed -> delivered."""
        v = own_visit(s, u, vid)
        form = await request.form()
        move_order(s, v, u, str(form.get("to", "")))
        return RedirectResponse(
            str(form.get("back", "")) if str(form.get("back", "")) == "/lab" else f"/visits/{v.id}", status_code=303
        )

    @app.get("/lab", response_class=HTMLResponse)
    def lab(request: Request, s: Db, u: CurrentUser) -> HTMLResponse:
        """The lab's queue: orders sent to the lab and printed ones awaiting delivery, oldest first."""
        visits = list(
            s.scalars(
                select(Visit)
                .join(Patient)
                .where(Patient.clinic_id == u.clinic_id, Visit.status.in_([OrderStatus.SENT, OrderStatus.PRINTED]))
                .order_by(Visit.approved_at, Visit.id)
            )
        )
        return page(request, "lab.html", u, visits=visits, NEXT=NEXT)

    @app.get("/visits/{vid}/export.zip")
    def export_zip(vid: int, s: Db, u: CurrentUser) -> Response:
        """The visit as the command line reads it: ``case.toml``, the files it names, and the
        command (``command.txt``) that gives the approved files byte for byte.
        """
        import io
        import zipfile

        v = own_visit(s, u, vid)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(CASE_NAME, v.case_toml)
            for f in v.files:
                if f.kind == "input":
                    z.writestr(str(safe_relative(f.name)), store.get(f.sha256))
            command = " ".join(fit_command(v.profile, json.loads(v.overrides_json or "{}")))
            z.writestr("command.txt", command + "\n")
        name = f"{v.patient.code}-visit-{v.id}.zip"
        return Response(
            buf.getvalue(),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.post("/visits/{vid}/reorder", dependencies=[Csrf])
    async def reorder(request: Request, vid: int, s: Db, u: CurrentUser) -> Response:
        """A new visit with the same case and prescription, built and approved now; the page then
        says whether its files equal the originals and, if not, why (a newer version).
        """
        old = own_visit(s, u, vid)
        if old.status is OrderStatus.DRAFT:
            raise HTTPException(409, "Only an approved visit can be re-ordered.")
        if u.role is Role.LAB:
            raise HTTPException(403, "A lab account cannot order.")
        inputs = inputs_of(old)
        overrides = json.loads(old.overrides_json or "{}")
        posted = {k: setting_text(val) for k, val in overrides.items()}
        result = await state["jobs"].run(Lane.BUILD, approve_job, old.case_toml, inputs, old.profile, posted)
        if "error" in result:
            raise HTTPException(400, f"The visit cannot be rebuilt: {result['error']}")
        v = Visit(
            patient_id=old.patient_id,
            visit_date=old.visit_date,
            case_toml=old.case_toml,
            profile=old.profile,
            overrides_json=json.dumps(result["overrides"], sort_keys=True),
            created_by=u.id,
            status=OrderStatus.APPROVED,
            approved_at=datetime.now(UTC).replace(tzinfo=None),
            approved_by=u.id,
            orthofit_version=__version__,
        )
        s.add(v)
        s.flush()
        for f in old.files:
            if f.kind == "input":
                s.add(VisitFile(visit_id=v.id, name=f.name, kind="input", sha256=f.sha256))
        originals = {f.name: f.sha256 for f in old.files if f.kind == "output"}
        differ = []
        for name, data in result["files"].items():
            if originals.get(name) != record_file(store, s, v.id, name, "output", data):
                differ.append(name)
        if not differ:
            note = f"Re-order of visit {old.number}: every file is identical to the originals."
        else:
            why = (
                f"made with orthofit {__version__}, the originals with {old.orthofit_version}"
                if old.orthofit_version != __version__
                else "the same version made them: the inputs or the settings shipped with it changed"
            )
            note = f"Re-order of visit {old.number}: {', '.join(sorted(differ))} differ from the originals ({why})."
        s.commit()
        request.session["note"] = note
        return RedirectResponse(f"/visits/{v.id}", status_code=303)

    @app.get("/patients/{pid}/compare", response_class=HTMLResponse)
    def compare(request: Request, pid: int, s: Db, u: CurrentUser, a: int = 0, b: int = 0) -> HTMLResponse:
        """Two visits side by side: the measures typed and the approved parameters, changes marked."""
        p = own_patient(s, u, pid)
        va, vb = own_visit(s, u, a), own_visit(s, u, b)
        if va.patient_id != p.id or vb.patient_id != p.id:
            raise HTTPException(404, "No such visit of this patient.")

        def params(v: Visit) -> dict[str, Any]:
            for f in v.files:
                if f.kind == "output" and f.name.endswith("-manifest.json"):
                    m = json.loads(store.get(f.sha256))
                    return {
                        f"{side}.{k}": val
                        for side, d in m.get("insoles", {}).items()
                        for k, val in d.get("params", {}).items()
                    }
            return {}

        ma, mb = form_from_case(va.case_toml), form_from_case(vb.case_toml)
        pa, pb = params(va), params(vb)
        measure_rows = [(k, ma.get(k, ""), mb.get(k, "")) for k in sorted(set(ma) | set(mb))]
        param_rows = [(k, pa.get(k, ""), pb.get(k, "")) for k in sorted(set(pa) | set(pb))]
        labels = {"age": "Age (years)", "weight_kg": "Weight (kg)"}
        for side in SIDES:
            labels.update({f"{side}.{k}": f"{side.capitalize()}: {label}" for k, label in FOOT_ROWS})
            labels.update({f"{side}.fpi6.{i}": f"{side.capitalize()}: FPI-6 item {i}" for i in range(1, 7)})
        return page(
            request, "compare.html", u, patient=p, a=va, b=vb, measures=measure_rows, params=param_rows, labels=labels
        )

    # --- tokens and the JSON API for a lab's own software -------------------------------------

    @app.get("/tokens", response_class=HTMLResponse)
    def tokens(request: Request, s: Db, u: CurrentUser) -> HTMLResponse:
        mine = list(s.scalars(select(ApiToken).where(ApiToken.user_id == u.id).order_by(ApiToken.id)))
        return page(request, "tokens.html", u, tokens=mine, new_token=request.session.pop("new_token", None))

    @app.post("/tokens", dependencies=[Csrf])
    async def token_create(request: Request, s: Db, u: CurrentUser) -> Response:
        """A token acting as this user; it is shown once and only its SHA-256 is kept."""
        form = await request.form()
        name = str(form.get("name", "")).strip()[:100] or "token"
        token = "ofk_" + secrets.token_urlsafe(32)
        s.add(ApiToken(user_id=u.id, name=name, token_sha256=hashlib.sha256(token.encode()).hexdigest()))
        s.commit()
        request.session["new_token"] = token
        return RedirectResponse("/tokens", status_code=303)

    @app.post("/tokens/{tid}/revoke", dependencies=[Csrf])
    def token_revoke(tid: int, s: Db, u: CurrentUser) -> Response:
        t = s.get(ApiToken, tid)
        if t is None or t.user_id != u.id:
            raise HTTPException(404, "No such token.")
        t.revoked = True
        s.commit()
        return RedirectResponse("/tokens", status_code=303)

    def _order(v: Visit) -> dict[str, Any]:
        return {
            "visit_id": v.id,
            "patient_code": v.patient.code,
            "status": v.status.value,
            "visit_date": v.visit_date.isoformat(),
            "approved_at": v.approved_at.isoformat() if v.approved_at else None,
            "profile": v.profile,
            "overrides": json.loads(v.overrides_json or "{}"),
            "files": [
                {"name": f.name, "sha256": f.sha256, "url": f"/api/v1/files/{f.sha256}"}
                for f in v.files
                if f.kind == "output"
            ],
        }

    @app.get("/api/v1/orders", tags=["lab"])
    def api_orders(s: Db, u: ApiUser, status: str = "sent to lab") -> list[dict[str, Any]]:
        """The orders of the token's clinic in ``status`` (default: sent to lab), oldest first,
        each with its files' names, SHA-256 and download URL.
        """
        try:
            wanted = OrderStatus(status)
        except ValueError:
            raise HTTPException(400, f"status must be one of: {', '.join(x.value for x in OrderStatus)}") from None
        visits = s.scalars(
            select(Visit)
            .join(Patient)
            .where(Patient.clinic_id == u.clinic_id, Visit.status == wanted)
            .order_by(Visit.approved_at, Visit.id)
        )
        return [_order(v) for v in visits]

    @app.get("/api/v1/files/{sha}", tags=["lab"])
    def api_file(sha: str, s: Db, u: ApiUser) -> Response:
        """A file of one of the clinic's visits, by its SHA-256."""
        clinic_file(s, u, sha)
        return Response(store.get(sha), media_type="application/octet-stream")

    @app.post("/api/v1/orders/{vid}/status", tags=["lab"])
    async def api_status(request: Request, vid: int, s: Db, u: ApiUser) -> dict[str, Any]:
        """Move an order one step (JSON body ``{"status": "printed"}``), as the token's user may."""
        v = own_visit(s, u, vid)
        try:
            body = await request.json()
            to = str(body["status"])
        except (ValueError, KeyError, TypeError):
            raise HTTPException(400, 'Send JSON: {"status": "printed"}') from None
        move_order(s, v, u, to)
        return _order(v)

    @app.get("/visits/{vid}/fhir.json")
    async def visit_fhir(vid: int, s: Db, u: CurrentUser) -> Response:
        """The visit as an HL7 FHIR R4 Bundle: Patient, Observations, Flags, a DeviceRequest per insole
        (status "active" once approved, "draft" before).
        """
        v = own_visit(s, u, vid)
        inputs = inputs_of(v)
        status = "draft" if v.status is OrderStatus.DRAFT else "active"
        args = (
            v.case_toml,
            inputs,
            v.profile,
            json.loads(v.overrides_json or "{}"),
            f"visit-{v.id}",
            v.visit_date.isoformat(),
            status,
        )
        result = await state["jobs"].run(Lane.PAGE, fhir_job, *args)
        if "error" in result:
            raise HTTPException(400, f"The visit cannot be exported: {result['error']}")
        name = f"{v.patient.code}-visit-{v.id}-fhir.json"
        return Response(
            json.dumps(result["bundle"], indent=2, ensure_ascii=False, allow_nan=False) + "\n",
            media_type="application/fhir+json",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/visits/{vid}/case.toml")
    def visit_case(vid: int, s: Db, u: CurrentUser) -> Response:
        v = own_visit(s, u, vid)
        name = f"{v.patient.code}-visit-{v.id}.toml"
        return Response(
            v.case_toml,
            media_type="application/toml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/files/{sha}")
    def file(sha: str, s: Db, u: CurrentUser) -> Response:
        """A stored file, only when a visit of the user's clinic has it."""
        row = clinic_file(s, u, sha)
        return Response(
            store.get(sha),
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{Path(row.name).name}"'},
        )

    for route in app.routes:  # /openapi.json describes the API a lab's software uses, not the pages
        if hasattr(route, "include_in_schema") and not getattr(route, "path", "").startswith("/api/"):
            route.include_in_schema = False
    return app


def _posted(form: Any) -> dict[str, str]:
    """The design form's parameter values (fields ``p.<parameter>``), as typed."""
    return {k[len("p.") :]: str(v) for k, v in form.items() if k.startswith("p.") and isinstance(v, str)}


def _local(target: str) -> str:
    """Only a path of this app may be a redirect target (no //other.host)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/patients"


def _clinician(u: User, day: date) -> dict[str, str]:
    """The case file's ``[clinician]``: who saw the patient, where and when (the report's date)."""
    return {"name": u.username, "clinic": u.clinic.name, "date": day.isoformat()}


async def _read_upload(
    uploads: list[UploadFile], patient: Patient, clinician: dict[str, str]
) -> tuple[str, dict[str, bytes]]:
    """The case file (the one ``.toml``) and the files it names, from an upload; the case's
    patient id becomes this patient's number.
    """
    from orthofit.io.case_file import parse_case

    tomls = [f for f in uploads if (f.filename or "").lower().endswith(".toml")]
    if len(tomls) != 1:
        raise UserError("upload one case file (.toml), with the scans and grids it names")
    files: dict[str, bytes] = {}
    for f in uploads:
        name = Path(f.filename or "").name
        limit = MAX_FILE_BYTES["case" if f is tomls[0] else "scan"]
        data = await f.read(limit + 1)
        if len(data) > limit:
            raise UserError(f"{name} is larger than {limit >> 20} MB (see 'Input limits' in the README)")
        files[name] = data
    case_name = Path(tomls[0].filename or "").name
    try:
        raw = tomllib.loads(files.pop(case_name).decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as err:
        raise UserError(f"{case_name} is not a valid case file: {err}") from None
    raw.setdefault("patient", {})
    if isinstance(raw.get("clinician", {}), dict):
        raw["clinician"] = {**clinician, **raw.get("clinician", {})}  # the file's own values win
    if isinstance(raw["patient"], dict):
        raw["patient"]["id"] = patient.code
        raw["patient"].setdefault("name", patient.name)
    inputs: dict[str, bytes] = {}
    for side in SIDES:
        foot = raw.get(side)
        if not isinstance(foot, dict):
            continue
        for key in ("scan", "footprint_grid"):
            ref = foot.get(key)
            if not isinstance(ref, str):
                continue
            try:
                safe_relative(ref)
            except ValueError:
                raise UserError(f"{side}.{key} = {ref[:60]!r}: give a file name beside the case file") from None
            base = Path(ref).name
            if base not in files:
                raise UserError(f"{side}.{key} names {base}; upload it with the case file")
            foot[key] = base
            inputs[base] = files[base]
    import tomli_w

    parse_case(raw, source=case_name)  # the command line's checks, one line on failure
    return tomli_w.dumps(raw), inputs
