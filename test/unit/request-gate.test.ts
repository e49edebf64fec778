import { describe, expect, it } from "vitest";
import { RequestGate, sleep } from "../../provider/client/request-gate";
import { KeyedMutex } from "../../provider/lifecycle/keyed-mutex";

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
    const gate = new RequestGate(10);
    gate.pause(150);
    const started = Date.now();
    const startTimes = await Promise.all(Array.from({ length: 5 }, () => gate.run(async () => Date.now() - started)));
    for (const time of startTimes) expect(time).toBeGreaterThanOrEqual(140);
  });

  it("frees its slot when a task fails", async () => {
    const gate = new RequestGate(1);
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(gate.run(async () => "next")).resolves.toBe("next");
  });
});

describe("KeyedMutex", () => {
  it("runs tasks of one key in order and of different keys at once", async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
    };
    await Promise.all([mutex.run("a", task("a1", 30)), mutex.run("a", task("a2", 1)), mutex.run("b", task("b1", 1))]);
    expect(events.indexOf("end a1")).toBeLessThan(events.indexOf("start a2"));
    expect(events.indexOf("start b1")).toBeLessThan(events.indexOf("end a1"));
  });

  it("goes on with the next task after one fails", async () => {
    const mutex = new KeyedMutex();
    const failed = mutex.run("a", () => Promise.reject(new Error("first")));
    const next = mutex.run("a", async () => "second");
    await expect(failed).rejects.toThrow("first");
    await expect(next).resolves.toBe("second");
  });
});
