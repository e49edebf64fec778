/** A local Flashback emulator, for tests, demos and offline experiments. */
export { startEmulator, type EmulatorOptions, type RunningEmulator, type RecordedRequest } from "./server";
export { FaultPlan, parseFaultRule, type FaultKind, type FaultRule, type RateLimit } from "./faults";
export { KeyStore, type StoredKey } from "./store";
