import { RequestRefusedError, type CheckName } from "../errors/request-refused-error";

/** A token that fails `check`: 401. */
export const unauthorized = (check: CheckName, message: string): RequestRefusedError => new RequestRefusedError(401, check, message);
/** A body that is not a rotation request: 400. */
export const badBody = (message: string): RequestRefusedError => new RequestRefusedError(400, "body", message);
