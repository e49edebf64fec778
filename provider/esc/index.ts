/** The ESC rotator, for embedding in a server or a function of your own: its core, its fronts and its settings. */
export { createRotator, type Rotator, type EscAnswer, type RequestHeaders } from "./rotate";
export { createRotatorServer } from "./http-front";
export { handler, handleFunctionUrlEvent, type FunctionUrlEvent, type FunctionUrlResult } from "./lambda-front";
export { resolveEscSettings, type EscSettings } from "./esc-settings";
