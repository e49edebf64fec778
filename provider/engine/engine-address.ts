/**
 * The engine's address among the arguments Pulumi starts a plugin with. The engine puts its own
 * flags first (`--logtostderr`, `-v=N` under `--logflow`, `--tracing <endpoint>`: `buildPluginArguments`
 * in Pulumi's sdk/go/common/resource/plugin/plugin.go) and the address after them. This skips them
 * exactly as Pulumi's own Node.js provider runtime does (`parseArgs` in @pulumi/pulumi/provider/internals).
 */
export function engineAddressFromArgs(args: readonly string[]): string | undefined {
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === "--logtostderr" || arg.startsWith("-v=")) continue;
    if (arg === "--tracing") {
      index += 1;
      continue;
    }
    return arg;
  }
  return undefined;
}

/** What an engine's address looks like: `host:port`, the host a name, an IPv4 address or a bracketed IPv6 one. */
export const ENGINE_ADDRESS_PATTERN = /^(?<host>[\w.-]+|\[[0-9a-fA-F:]+\]):(?<port>\d{1,5})$/;

/** The engine's address of this process, started as a plugin (`node <script> [flags] <address>`). */
export function processEngineAddress(argv: readonly string[] = process.argv): string | undefined {
  return engineAddressFromArgs(argv.slice(2));
}
