import { FlashbackError } from "./flashback-error";

/** A setting that is missing or invalid. The message names the setting and where it was looked for, never its value. */
export class SettingsError extends FlashbackError {
  override readonly name = "SettingsError";
  readonly code = "FLASHBACK_SETTINGS_ERROR";

  constructor(
    message: string,
    /** The stack config key, e.g. `flashback:apiUrl`. */
    readonly setting: string,
  ) {
    super(message);
  }

  override publicFields(): Record<string, unknown> {
    return { ...super.publicFields(), setting: this.setting };
  }
}
