import { describe, expect, it } from "vitest";
import { FaultPlan, parseFaultRule } from "../../emulator/faults";

describe("parseFaultRule (the emulator's --fault flag)", () => {
  it.each([
    ["reset-after", { fault: { kind: "reset-after" }, times: 1 }],
    ["status,status=503,times=3", { fault: { kind: "status", status: 503 }, times: 3 }],
    [
      "status,status=429,retryAfter=2,method=post,path=/repo/",
      { fault: { kind: "status", status: 429, retryAfter: "2" }, method: "POST", pathPrefix: "/repo/", times: 1 },
    ],
    ["delay,ms=250,times=always", { fault: { kind: "delay", ms: 250 }, times: Infinity }],
  ])("%s", (text, expected) => {
    expect(parseFaultRule(text)).toEqual(expected);
  });

  it("refuses an unknown fault, listing the known ones", () => {
    expect(() => parseFaultRule("explode")).toThrow('unknown fault "explode": one of status, reset-before');
  });
});

describe("FaultPlan", () => {
  it("spends a rule after its uses and matches method and path", () => {
    const plan = new FaultPlan();
    plan.add({ fault: { kind: "reset-before" }, method: "POST", pathPrefix: "/repo/", times: 2 });
    expect(plan.take("GET", "/repo/a/apikey")).toBeUndefined();
    expect(plan.take("POST", "/repo/a/apikey")).toEqual({ kind: "reset-before" });
    expect(plan.take("POST", "/repo/a/apikey")).toEqual({ kind: "reset-before" });
    expect(plan.take("POST", "/repo/a/apikey")).toBeUndefined();
  });

  it("lets a burst through, then asks to retry after whole seconds", () => {
    const plan = new FaultPlan();
    plan.rateLimit = { requestsPerSecond: 10, burst: 3 };
    const now = 1_000_000;
    expect([plan.takeRateToken(now), plan.takeRateToken(now), plan.takeRateToken(now)]).toEqual([undefined, undefined, undefined]);
    expect(plan.takeRateToken(now)).toBe(1);
    expect(plan.takeRateToken(now + 100)).toBeUndefined();
  });
});
