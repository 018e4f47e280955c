"""Starts CoopDesk: parse the arguments, set paths and language, then run a command or open the window."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from coopdesk import i18n, paths
    from coopdesk.cli import build_parser, run_command

    argv = sys.argv[1:] if argv is None else argv
    if "--data-dir" in argv[:-1]:
        paths.set_data_dir(argv[argv.index("--data-dir") + 1])
    # The language is set before the parser is built, so --help speaks it too.
    lang = argv[argv.index("--lang") + 1] if "--lang" in argv[:-1] else paths.load_config().get("language")
    if lang:
        i18n.set_language(str(lang))
    args = build_parser().parse_args(argv)
    if args.command:
        try:
            return run_command(args)
        except BrokenPipeError:
            # `coopdesk orders --json | head`: the reader stopped early, which is not an error (Python's
            # documented way: point stdout at devnull so the interpreter's final flush stays quiet).
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    from coopdesk.ui.app import run

    return run(args.data)


if __name__ == "__main__":
    sys.exit(main())
