#!/usr/bin/env node
/*
 * `pulumi-resource-flashback`: the Flashback provider plugin. The engine starts it with its own
 * address after its flags and reads the port it serves from the first line of stdout, so
 * nothing may be printed before that line.
 */
import { processEngineAddress } from "../engine/engine-address";
import { servePlugin } from "./serve";

servePlugin({ engineAddress: processEngineAddress() }).then(
  ({ port }) => process.stdout.write(`${port}\n`),
  (error: unknown) => {
    process.stderr.write(`pulumi-resource-flashback could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
