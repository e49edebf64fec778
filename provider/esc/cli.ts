#!/usr/bin/env node
import { parseCommandLine } from "../utils/command-line";
import { createRotatorServer } from "./http-front";
import { ESC_ENV, resolveEscSettings } from "./esc-settings";
import { createRotator } from "./rotate";

const usage = `flashback-esc-rotator: rotates Flashback repository API keys for Pulumi ESC (fn::rotate::external)

Serves POST on PORT (default 8080) over plain HTTP: put it behind HTTPS (ESC calls https:// URLs only).
Configured from the environment:
  ${ESC_ENV.audience}      its public URL, exactly as the environment's fn::rotate::external url (required)
  ${ESC_ENV.organizations}          Pulumi organizations allowed, comma-separated (required)
  ${ESC_ENV.environments}  org/env allowed, comma-separated (default: every environment of those organizations)
  ${ESC_ENV.jwksUrl}      Pulumi Cloud's JWKS (default https://api.pulumi.com/oidc/.well-known/jwks)
  ${ESC_ENV.issuers}       token issuers taken, comma-separated (default https://api.pulumi.com,https://api.pulumi.com/oidc)
  ${ESC_ENV.rotationTimeout} seconds one rotation may take (default 60)
  ${ESC_ENV.jwksCooldown}   least seconds between JWKS fetches for an unknown key id (default 30)
  FLASHBACK_API_URL            Flashback's API (default https://backend.flashback.tech)
The Flashback credential comes with each request, from the ESC environment; the adapter keeps none.
Prints "listening on PORT" once it serves, and one line per request, never a secret.`;

function main(): void {
  parseCommandLine("flashback-esc-rotator", usage, { help: { type: "boolean", default: false } });
  let settings;
  try {
    settings = resolveEscSettings();
  } catch (error) {
    console.error(`flashback-esc-rotator: ${(error as Error).message}`);
    process.exit(2);
  }
  const server = createRotatorServer(createRotator(settings));
  server.listen(settings.port, () => {
    const address = server.address();
    console.log(`listening on ${typeof address === "object" && address !== null ? address.port : settings.port}`);
  });
  const stop = (): void => void server.close(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main();
