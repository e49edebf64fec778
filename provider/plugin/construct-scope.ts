import { AsyncLocalStorage } from "node:async_hooks";
import { messageOf } from "../errors/message-of";

/** One Construct in flight or answered: where a rejection its promises leave unhandled goes. */
interface ConstructScope {
  /** The Construct's answer is still owed: the rejection fails it. */
  fail?: (reason: unknown) => void;
  /** Answered: a rejection after a successful answer is a failure of that component nobody else reports. */
  afterAnswer(reason: unknown): void;
}

/** Node runs an `unhandledRejection` listener in the async context of the rejected promise: this finds its Construct. */
const scopes = new AsyncLocalStorage<ConstructScope>();

/**
 * Runs one Construct in a scope of its own. Its answer is `run`'s, or the first rejection left
 * unhandled by a promise it made (the SDK's registrations reject promises nobody awaits), whichever
 * comes first. Once answered, further rejections of a failed Construct repeat its failure and are
 * dropped; those of a Construct that succeeded go to `lateFailure`.
 */
export function runConstructScoped<T>(run: () => Promise<T>, lateFailure: (reason: unknown) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let failed = false;
    const scope: ConstructScope = {
      fail: (reason) => {
        failed = true;
        settle(() => reject(reason));
      },
      afterAnswer: (reason) => {
        if (!failed) lateFailure(reason);
      },
    };
    const settle = (answer: () => void): void => {
      if (scope.fail === undefined) return;
      scope.fail = undefined;
      answer();
    };
    scopes.run(scope, run).then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => scope.fail?.(error),
    );
  });
}

/**
 * The plugin's `unhandledRejection` listener, for the life of the process: a rejection of a
 * Construct's goes to that Construct; any other goes to `outside`. Without a listener Node would
 * end the plugin, with the unredacted reason on stderr, and cut short every operation in flight.
 */
export function routeUnhandledRejections(outside: (reason: unknown) => void): void {
  if (outsideReporters.size === 0) {
    process.on("unhandledRejection", (reason: unknown) => {
      const scope = scopes.getStore();
      if (scope === undefined) outsideReporters.forEach((report) => report(reason));
      else if (scope.fail !== undefined) scope.fail(reason);
      else scope.afterAnswer(reason);
    });
  }
  outsideReporters.add(outside);
}

/** One per plugin served in this process: a real plugin has one, a test may serve several. */
const outsideReporters = new Set<(reason: unknown) => void>();

/** The message a rejection outside any Construct is reported with. */
export function unhandledRejectionMessage(reason: unknown): string {
  return `the flashback provider failed outside any operation: ${messageOf(reason)}`;
}
