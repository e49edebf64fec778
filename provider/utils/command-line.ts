import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]> & { help: { type: "boolean" } };

/** A bad flag is the user's mistake, not a crash: one line saying what is wrong, then the usage, exit code 2. */
export function refuseUsage(command: string, usage: string, message: string): never {
  console.error(`${command}: ${message}\n\n${usage}`);
  process.exit(2);
}

/**
 * The flags of one of this package's commands (flashback-emulator, flashback-audit) from
 * `process.argv`. `--help` prints the usage and exits 0; a flag it cannot parse is refused.
 */
export function parseCommandLine<T extends Options>(
  command: string,
  usage: string,
  options: T,
): ReturnType<typeof parseArgs<{ options: T }>>["values"] {
  let values: ReturnType<typeof parseArgs<{ options: T }>>["values"];
  try {
    values = parseArgs({ options }).values;
  } catch (error) {
    // Node's own text, first line only ("Option '--latency' argument is ambiguous."): no stack trace.
    return refuseUsage(command, usage, (error as Error).message.split("\n")[0] ?? "bad arguments");
  }
  if ((values as { help?: unknown }).help === true) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
