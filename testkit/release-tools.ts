import { join, resolve } from "node:path";
import { LOCAL_CLI_BIN } from "./find-pulumi-cli";

const ROOT = resolve(__dirname, "..");

/**
 * What the release rehearsal (test/e2e/release-rehearsal.test.ts) and the workflow lint run, as
 * `npm run setup:pulumi` installs them from the pins in tools/release and tools/actionlint.
 */
export const RELEASE_TOOLS_SOURCE = join(ROOT, "tools", "release");
export const RELEASE_TOOLS_DIR = join(ROOT, ".pulumi-cli", "release");
/** verdaccio, the npm registry, installed from tools/release/package-lock.json. */
export const VERDACCIO_DIR = join(RELEASE_TOOLS_DIR, "npm");
/** A virtual environment with twine, pypiserver and shellcheck, from tools/release/requirements-dev.txt. */
export const RELEASE_PYTHON_VENV = join(RELEASE_TOOLS_DIR, "python");
export const RELEASE_PYTHON = join(RELEASE_PYTHON_VENV, "bin", "python");
/** shellcheck, which actionlint runs on every `run:` script, from the same virtual environment. */
export const SHELLCHECK = join(RELEASE_PYTHON_VENV, "bin", "shellcheck");
/** The Go module that pins actionlint, the workflows' linter, as tools/pulumi pins the CLI. */
export const ACTIONLINT_MODULE_DIR = join(ROOT, "tools", "actionlint");
export const ACTIONLINT = join(LOCAL_CLI_BIN, "actionlint");
