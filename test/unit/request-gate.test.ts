import { describe, expect, it } from "vitest";
import { RequestGate, sleep } from "../../provider/client/request-gate";
import { virtualClock } from "../helpers/test-clocks";

describe("RequestGate", () => {
  it("never runs more tasks at once than its cap", async () => {
    const gate = new RequestGate(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        gate.run(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(5);
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(gate.inFlight).toBe(0);
  });

  it("holds back every request after a pause, not only the one that was rate limited", async () => {
    const { clock, sleeps } = virtualClock();
    const gate = new RequestGate(10, clock);
    const pausedAt = clock.monotonic();
    gate.pause(150);
    const startTimes = await Promise.all(Array.from({ length: 5 }, () => gate.run(async () => clock.monotonic() - pausedAt)));
    for (const time of startTimes) expect(time).toBeGreaterThanOrEqual(150);
    expect(sleeps[0], "the first request waits out the pause").toBeGreaterThan(149);
  });

  it("frees its slot when a task fails", async () => {
    const gate = new RequestGate(1);
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(gate.run(async () => "next")).resolves.toBe("next");
  });
});
