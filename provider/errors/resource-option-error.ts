import { FlashbackError } from "./flashback-error";

/**
 * A resource option that a `RepoApiKey` cannot honour, refused where the program sets it, before
 * anything reaches the engine or Flashback. `option` names it; the message says what to do instead.
 */
export class ResourceOptionError extends FlashbackError {
  override readonly name = "ResourceOptionError";
  readonly code = "FLASHBACK_RESOURCE_OPTION_ERROR";

  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }

  override publicFields(): Record<string, unknown> {
    return { ...super.publicFields(), option: this.option };
  }
}
