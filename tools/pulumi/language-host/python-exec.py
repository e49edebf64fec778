"""Runs one Pulumi Python program for the stand-in pulumi-language-python (python.ts).

It connects the program's own `pulumi` package to the engine (settings and config from the
arguments and environment the host passes), then runs the program as `python <program>` would,
inside the stack resource. An error the program raises is logged to the engine and the process
exits 32, the code for "the user has seen the message": the engine then adds nothing of its own.
"""

import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback

EXITED_AFTER_USER_MESSAGE = 32

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    print(traceback.format_exc(), file=sys.stderr)
    print(
        "It looks like the Pulumi SDK has not been installed. Have you run pip install?\n"
        "If you are running in a virtualenv, run pulumi install (or pip install -r requirements.txt inside it).",
        file=sys.stderr,
    )
    sys.exit(1)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run a Pulumi Python program")
    for flag in ("monitor", "engine", "organization", "project", "stack", "root-directory", "pwd"):
        parser.add_argument(f"--{flag}")
    parser.add_argument("--parallel", type=int, default=0)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("program")
    parser.add_argument("args", nargs="*")
    return parser.parse_args()


def main() -> int:
    args = parse_arguments()
    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            parallel=args.parallel,
            dry_run=args.dry_run,
            organization=args.organization,
            root_directory=args.root_directory,
        )
    )
    sys.argv = [args.program, *args.args]
    if args.pwd:
        os.chdir(args.pwd)
    # A program's directory is importable, as when it runs as `python <directory>`.
    sys.path.insert(0, args.program if os.path.isdir(args.program) else os.path.dirname(args.program))
    # Futures left unobserved when a deployment fails are expected; asyncio's complaints about them are noise.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(args.program, run_name="__main__")))
        return 0
    except pulumi.RunError as error:
        pulumi.log.error(str(error))
    except Exception:  # noqa: BLE001 -- whatever the program raised, the user sees it through the engine
        pulumi.log.error(f"Program failed with an unhandled exception:\n{traceback.format_exc()}")
    finally:
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return EXITED_AFTER_USER_MESSAGE


if __name__ == "__main__":
    sys.exit(main())
