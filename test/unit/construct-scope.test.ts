import { describe, expect, it } from "vitest";
import { routeUnhandledRejections, runConstructScoped } from "../../provider/plugin/construct-scope";

/* Which Construct a rejection nobody handled belongs to: the async context it was made in. */

const outside: unknown[] = [];
routeUnhandledRejections((reason) => outside.push(reason));

/** A rejection nobody handles, made in the caller's async context. */
function strayRejection(message: string): void {
  void Promise.reject(new Error(message));
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("runConstructScoped", () => {
  it("fails the Construct whose promise was left rejected, not the one beside it, nor the process", async () => {
    const failing = runConstructScoped(
      async () => {
        strayRejection("its key was refused");
        await settle();
        return "never answered";
      },
      () => undefined,
    );
    const beside = runConstructScoped(
      async () => {
        await settle();
        return "answered";
      },
      () => undefined,
    );
    await expect(failing).rejects.toThrow("its key was refused");
    await expect(beside).resolves.toBe("answered");
    expect(outside).toEqual([]);
  });

  it("reports a rejection after a successful answer as that component's late failure; after a failed one, drops its echoes", async () => {
    const late: unknown[] = [];
    await runConstructScoped(
      async () => {
        setTimeout(() => strayRejection("failed after the answer"), 10);
        return "answered";
      },
      (reason) => late.push(reason),
    );
    const failed = runConstructScoped(
      async () => {
        setTimeout(() => strayRejection("an echo of the failure"), 10);
        throw new Error("refused");
      },
      (reason) => late.push(reason),
    );
    await expect(failed).rejects.toThrow("refused");
    await settle();
    expect(late.map((reason) => (reason as Error).message)).toEqual(["failed after the answer"]);
    expect(outside).toEqual([]);
  });

  it("hands a rejection made outside any Construct to the plugin's own report", async () => {
    strayRejection("outside");
    await settle();
    expect(outside.map((reason) => (reason as Error).message)).toEqual(["outside"]);
  });
});
