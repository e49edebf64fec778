import { FlashbackError } from "./flashback-error";

/**
 * Flashback answered 404 for a whole repository. That is what a deleted repository answers, and
 * also, as far as its documentation says, what a token that can no longer see it gets (another
 * organization, a revoked role), while the keys in it still work. Nothing in the answer tells the
 * two apart, so the message says what is not done for it and how the user settles which it is.
 */
export class UnseenRepositoryError extends FlashbackError {
  override readonly name = "UnseenRepositoryError";
  readonly code = "FLASHBACK_REPOSITORY_UNSEEN";

  constructor(
    readonly repoId: string,
    message: string,
  ) {
    super(message);
  }

  override publicFields(): Record<string, unknown> {
    return { ...super.publicFields(), repoId: this.repoId };
  }
}
