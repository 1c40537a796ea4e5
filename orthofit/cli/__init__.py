"""orthofit command line: parse, call one pipeline function, print.

One module per command (``orthofit/cli/<command>.py``: its parser and its handler); the
options several commands share are declared once in :mod:`orthofit.cli.options`.

Exit status: 0 success, 2 a user error (one-line message), 1 an internal error (a bug; the
traceback is shown only with --debug).
"""

from __future__ import annotations

import argparse
import sys
import traceback

COMMANDS = ("assess", "insole", "fit", "batch", "report", "scan", "footprint", "pressure", "serve")


def _parser() -> argparse.ArgumentParser:
    import importlib

    from orthofit import __version__

    parser = argparse.ArgumentParser(
        prog="orthofit", description="Foot assessment and arch-support insoles for podiatrists."
    )
    parser.add_argument("--version", action="version", version=f"orthofit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"orthofit.cli.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from orthofit.errors import UserError

    try:
        return args.run(args)
    except UserError as err:
        if args.debug:
            traceback.print_exc()
        prefix = "orthofit: error: "
        print(prefix + one_line(str(err), MAX_MESSAGE - len(prefix)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("orthofit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # a bug: say so plainly, full detail with --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(
                f"orthofit: internal error: {type(err).__name__}: {one_line(str(err))} "
                "(please report it; rerun with --debug for the traceback)",
                file=sys.stderr,
            )
        return 1


#: Longest error line printed; a longer message is cut in the middle.
MAX_MESSAGE = 500


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` as one printable line: control characters, line and paragraph separators and
    bidi overrides (whatever is not printable) are escaped, and a message longer than
    ``limit`` (default :data:`MAX_MESSAGE`; the error line passes what its prefix leaves) keeps
    its start and its end (the fix) around an ellipsis.
    """
    clean = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    limit = limit or MAX_MESSAGE
    if len(clean) > limit:
        clean = clean[: limit // 2 - 1] + "…" + clean[-(limit // 2) :]
    return clean


if __name__ == "__main__":
    sys.exit(main())
