import { cpus, totalmem } from "node:os";

/** The machine a figure was measured on, as the files of measured figures name it. */
export function describeMachine(): string {
  return `${cpus().length} x ${cpus()[0]?.model ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
