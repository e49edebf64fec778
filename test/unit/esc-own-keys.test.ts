import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createRotatorServer } from "../../provider/esc/http-front";
import { ownKeyName, ownKeys } from "../../provider/esc/key-names";
import type { Rotator } from "../../provider/esc/rotate";

describe("the ESC adapter's own keys and its http front", () => {
  it("counts as its own only the keys of its base name: a reader and a writer of one environment and repository leave each other's keys alone", () => {
    const until = Date.parse("2026-12-07T12:00:00Z");
    const listed = [
      { id: "r", name: ownKeyName("reader", "acme/prod", "repo-1", 2, until), accessType: "READ" },
      { id: "w", name: ownKeyName("writer", "acme/prod", "repo-1", 2, until), accessType: "WRITE" },
    ];
    expect(ownKeys(listed, "reader", "acme/prod", "repo-1").map((key) => key.listed.id)).toEqual(["r"]);
    expect(ownKeys(listed, "writer", "acme/prod", "repo-1").map((key) => key.listed.id)).toEqual(["w"]);
  });

  it("lives on when a client drops its connection mid-body, and answers the next request", async () => {
    const rotator = { rotate: async () => ({ status: 200, body: { ok: true } }) } as unknown as Rotator;
    const server = createRotatorServer(rotator).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"request":');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    const answer = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "{}" });
    expect(answer.status).toBe(200);
    server.close();
  });
});
