import { InputError } from "../errors/input-error";
import { isReservationName } from "./reservation";

/**
 * A key Flashback lists under a reservation's name (renamed so in the console, say) would be deleted
 * by the next deployment's sweep once old enough: no state may be handed one.
 */
export function refuseReservationName(name: string, keyId: string, repoId: string, operation: "refresh" | "import"): void {
  if (!isReservationName(name)) return;
  const reason =
    `API key "${keyId}" in repository "${repoId}" is named "${name}" in Flashback, the name of a reservation that an interrupted create left, ` +
    "which deployments delete once its create's time is over; ";
  if (operation === "import") {
    throw new InputError([{ property: "id", reason: `${reason}such a key's secret is lost, so it cannot be imported` }]);
  }
  throw new InputError([
    {
      property: "name",
      reason: `${reason}if it is in use, rename it in Flashback's console to the name this stack declares before the next deployment writes to its repository, then refresh again`,
    },
  ]);
}
