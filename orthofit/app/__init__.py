"""The clinic app: patients, visits and insole design in the browser (``orthofit serve``).

A front door on the same pipeline the command line uses: nothing clinical is re-implemented
here. A visit's record is its case file (TOML text, exactly what ``orthofit fit`` reads) and
the files it names, kept in a content-addressed store; every job (assessment, insoles,
report) runs the pipeline on a folder holding exactly those files, so the command line on an
exported visit gives byte-identical outputs.

Modules: :mod:`config` (data folder, database URL, secret), :mod:`models` (SQLAlchemy 2
tables), :mod:`database` (engine, sessions, Alembic migrations), :mod:`store` (the file
store), :mod:`security` (passwords, CSRF, login rate limit), :mod:`visits` (case form <->
case file), :mod:`jobs` (pipeline runs off the request thread), :mod:`web` (the ASGI app and
its routes), :mod:`demo` (the demo clinic).
"""
