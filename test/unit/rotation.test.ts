import { describe, expect, it } from "vitest";
import { currentSlot, requireRotation, rotationNumber, slotGenerations } from "../../provider/resources/rotation";

describe("rotation helpers", () => {
  it.each([
    [0, { a: 0, b: -1 }, "a"],
    [1, { a: 0, b: 1 }, "b"],
    [2, { a: 2, b: 1 }, "a"],
    [7, { a: 6, b: 7 }, "b"],
  ])("rotation %i: slots hold %j, current is slot %s", (rotation, generations, slot) => {
    expect(slotGenerations(rotation)).toEqual(generations);
    expect(currentSlot(rotation)).toBe(slot);
  });

  it("changes exactly one slot per rotation, the one holding the older key", () => {
    for (let rotation = 0; rotation < 10; rotation += 1) {
      const before = slotGenerations(rotation);
      const after = slotGenerations(rotation + 1);
      const changed = (["a", "b"] as const).filter((slot) => before[slot] !== after[slot]);
      expect(changed).toEqual([currentSlot(rotation + 1)]);
      expect(before[currentSlot(rotation + 1)]).toBe(rotation - 1);
    }
  });

  it("counts whole periods since 1970 for a schedule", () => {
    expect(rotationNumber({ everyDays: 30, now: new Date("1970-01-30T23:59:59Z") })).toBe(0);
    expect(rotationNumber({ everyDays: 30, now: new Date("1970-01-31T00:00:00Z") })).toBe(1);
    expect(() => rotationNumber({ everyDays: 0 })).toThrow("everyDays must be a number of days greater than 0; got 0");
  });

  it.each([-1, 1.5, "3", Number.NaN])("refuses %j as a rotation, naming the resource", (value) => {
    expect(() => requireRotation("partner", value)).toThrow('RotatingRepoApiKey "partner": rotation must be a whole number of at least 0');
  });
});
