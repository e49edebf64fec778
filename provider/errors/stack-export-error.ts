import { FlashbackError } from "./flashback-error";

/** An export that cannot be read: the message names the export and what is wrong, never its content. */
export class StackExportError extends FlashbackError {
  override readonly name = "StackExportError";
  readonly code = "FLASHBACK_STACK_EXPORT_UNREADABLE";
}
