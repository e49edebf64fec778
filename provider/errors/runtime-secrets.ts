import { SecretIndex } from "./secret-index";

/** What a secret shows as in the SDK runtime's log lines and the Construct's failures, as Pulumi itself shows secrets. */
export const SECRET_IN_LOG = "[secret]";

/** The secrets this process's Pulumi SDK runtime has carried (sdk-runtime-redaction.ts learns them): none before a Construct. */
export const runtimeSecrets = new SecretIndex();

/** A text with every secret the SDK runtime has carried shown as `[secret]`. */
export function maskRuntimeSecrets(text: string): string {
  return runtimeSecrets.mask(text, SECRET_IN_LOG);
}
