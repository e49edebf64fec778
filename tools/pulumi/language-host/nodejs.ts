#!/usr/bin/env node
/*
 * `pulumi-language-nodejs`: starts the program runner of the program's own `@pulumi/pulumi`
 * (`cmd/run`) with the engine's addresses, the stack config in `PULUMI_CONFIG` and the TypeScript
 * switch, as Pulumi's Go host does. Dependencies are the program's own `npm install`.
 */
import { configEnvironment, runnerFlags, serveLanguageHost, type Launch, type ProgramRun } from "./serve";

/** Config keys arrive as `ns:key`; the program runner still reads them as `ns:config:key`, as the Go host writes them. */
function toRunnerConfig(config: Map<string, string>): Record<string, string> {
  const runnerConfig: Record<string, string> = {};
  for (const [key, value] of config) {
    const separator = key.indexOf(":");
    runnerConfig[separator < 0 ? key : `${key.slice(0, separator)}:config:${key.slice(separator + 1)}`] = value;
  }
  return runnerConfig;
}

async function launch(run: ProgramRun): Promise<Launch | { error: string }> {
  let runPath: string;
  try {
    runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [run.programDirectory] });
  } catch {
    return { error: `It looks like the Pulumi SDK has not been installed in ${run.programDirectory}. Have you run npm install?` };
  }
  // `runtime.options` of Pulumi.yaml, with the Go host's defaults: TypeScript on unless switched off.
  const { typescript, tsconfig, nodeargs } = run.options;
  return {
    command: process.execPath,
    args: [
      ...(typeof nodeargs === "string" ? nodeargs.split(/\s+/).filter(Boolean) : []),
      runPath,
      ...runnerFlags(run),
      run.entryPoint,
      ...run.args,
    ],
    env: {
      ...process.env,
      ...configEnvironment(run, toRunnerConfig(run.config)),
      ...(typescript !== false ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
      ...(typeof tsconfig === "string" ? { PULUMI_NODEJS_TSCONFIG_PATH: tsconfig } : {}),
    },
  };
}

serveLanguageHost({ name: "nodejs", launch, about: () => ({ executable: process.execPath, version: process.version }) });
