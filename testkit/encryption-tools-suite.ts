import { realCliSuite } from "./find-pulumi-cli";
import { missingEncryptionTools } from "./decrypt-with-tools";

/**
 * How a real-CLI suite of `encryptTo` starts: skipped, with the reason in its title, where the CLI
 * or the `age`/`gpg` tools are missing; under CI=true never skipped, so that it fails instead.
 */
export function encryptionToolsSuite(title: string, options: { languageHost?: string } = {}): { skip: boolean; title: string } {
  const cli = realCliSuite(title, options);
  if (cli.skip) return cli;
  const reason = missingEncryptionTools();
  const skip = reason !== undefined && process.env.CI !== "true";
  return { skip, title: skip ? `${title} — skipped: ${reason}` : title };
}
