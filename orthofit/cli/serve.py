"""``orthofit serve``: the clinic app in the browser."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="the clinic app in the browser (patients, visits, insole design)",
        description="Start the clinic app on http://HOST:PORT. The data folder holds the database "
        "(SQLite unless --db is given), the file store and the key that signs sessions; it is made "
        "on first run with its schema. Back it up by copying the folder while the app is stopped.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--data", metavar="DIR", help="data folder (default: ~/.local/share/orthofit)")
    p.add_argument(
        "--db", metavar="URL", help="database URL, e.g. postgresql://user@host/orthofit (default: SQLite in DIR)"
    )
    p.add_argument("--workers", type=int, default=2, help="processes that build insoles and reports (default: 2)")
    p.add_argument("--demo", action="store_true", help="add a demo clinic with the bundled examples as patients")
    p.add_argument(
        "--create-user",
        nargs=3,
        metavar=("NAME", "ROLE", "CLINIC"),
        help="make an account (ROLE: clinician, lab or admin; the clinic is made if new), ask its password, and stop",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        from orthofit.errors import ValidationError

        raise ValidationError(
            "the app needs its libraries: pip install 'orthofit[app]' (or -e '.[app]' in a clone)"
        ) from None
    from orthofit.app.config import AppConfig
    from orthofit.app.database import Database, upgrade
    from orthofit.errors import ValidationError

    config = AppConfig.make(args.data, args.db, args.workers)
    upgrade(config.db_url)
    if args.create_user:
        from orthofit.app.users import create_user

        name, role, clinic = args.create_user
        password = _ask_password()
        create_user(Database(config.db_url), name, role, clinic, password)
        print(f"user {name} ({role}, {clinic}) created")
        return 0
    if args.demo:
        from orthofit.app.demo import DEMO_USERS, seed_demo
        from orthofit.app.store import FileStore

        n = seed_demo(Database(config.db_url), FileStore(config.files_dir))
        users = ", ".join(f"{u} / {pw}" for u, pw, _ in DEMO_USERS)
        print(f"demo clinic ready ({n} patients added); log in as {users}", file=sys.stderr)
    if not 0 < args.port < 65536:
        raise ValidationError(f"--port {args.port}: give 1 to 65535")
    import uvicorn

    from orthofit.app.web import create_app

    print(f"orthofit app on http://{args.host}:{args.port} (data: {config.data_dir})", file=sys.stderr)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")
    return 0


def _ask_password() -> str:
    import getpass
    import os

    if os.environ.get("ORTHOFIT_PASSWORD"):  # for scripts and CI; never on the command line
        return os.environ["ORTHOFIT_PASSWORD"]
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        from orthofit.errors import ValidationError

        raise ValidationError("the two passwords differ; run again")
    return first
