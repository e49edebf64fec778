import { expect, it } from "vitest";
import { publicApi } from "../../scripts/public-api";

/*
 * The package's public API (scripts/public-api.ts): every name each entry point of package.json
 * exports, with its resolved type, then each type they use that no entry exports, with its members.
 * A change here is a change users see; `npx vitest run test/unit/public-api.test.ts -u` records it,
 * and the commit that does says why.
 */
it("is the recorded public API", async () => {
  await expect(publicApi()).toMatchFileSnapshot("../fixtures/public-api/exports.txt");
}, 60_000);
