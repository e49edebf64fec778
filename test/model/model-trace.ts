import type { StepTag } from "./model-wire";

/*
 * What happened in one run, in order, as the model saw it: requests Flashback acted on and the
 * answers that came back, kills, sleeps, refusals, console acts, refused checks, failed steps and
 * checkpoints. A kept sequence asserts on it that the interleaving it names still happens.
 */

/** The engine step a request or an outcome belongs to. */
export interface TraceStep {
  deployment: string;
  stack: number;
  kind: "create" | "update" | "delete" | "read" | "import";
  /** The resource's logical name (`r0`…). */
  resource: string;
}

/** An event as it is added: the trace stamps it with Flashback's time. */
export type Untimed =
  | {
      kind: "applied";
      process: string;
      method: string;
      path: string;
      status: number;
      /** Which of Flashback's servers answered (0 on time, 1 ahead, 2 behind). */
      server: number;
      step: TraceStep | undefined;
      /** The key a DELETE removed was a reservation another create left: the sweep's work. */
      sweep: boolean;
    }
  | { kind: "answered"; process: string; method: string; path: string; fault: string }
  | { kind: "kill"; deployment: string; mode: string }
  | { kind: "sleep"; deployment: string; ms: number }
  | { kind: "refusal"; repo: string; status: number; methods: string }
  | { kind: "console"; act: "rename" | "delete"; keyId: string }
  | { kind: "refused"; step: Omit<TraceStep, "kind">; reason: string }
  | { kind: "failed"; step: TraceStep; error: string }
  | { kind: "checkpoint"; step: TraceStep; partial: boolean }
  | { kind: "warning"; process: string; message: string };

export type TraceEvent = Untimed & { atMs: number };

export type TraceKind = TraceEvent["kind"];
export type EventOf<K extends TraceKind> = Extract<TraceEvent, { kind: K }>;

export function traceStepOf<T extends StepTag | undefined>(tag: T): T extends StepTag ? TraceStep : TraceStep | undefined {
  if (tag === undefined) return undefined as never;
  return { deployment: tag.deployment.id, stack: tag.stack, kind: tag.kind, resource: tag.urn.split("::").pop() ?? tag.urn } as never;
}

export class ModelTrace {
  readonly events: TraceEvent[] = [];

  constructor(private readonly clock: () => number) {}

  add(event: Untimed): void {
    this.events.push({ ...event, atMs: this.clock() } as TraceEvent);
  }
}

/** The events of one kind that match `where`, in order. */
export function eventsOf<K extends TraceKind>(
  events: readonly TraceEvent[],
  kind: K,
  where: (event: EventOf<K>) => boolean = () => true,
): Array<EventOf<K>> {
  return events.filter((event): event is EventOf<K> => event.kind === kind && where(event as EventOf<K>));
}

/**
 * Whether events matching each of `patterns` happen in that order (others in between): the
 * interleaving a kept sequence names. Each pattern may look at the events matched before it.
 */
export function happensInOrder(
  events: readonly TraceEvent[],
  patterns: ReadonlyArray<(event: TraceEvent, before: readonly TraceEvent[]) => boolean>,
): boolean {
  return matchFrom(events, 0, patterns, []);
}

function matchFrom(
  events: readonly TraceEvent[],
  start: number,
  patterns: ReadonlyArray<(event: TraceEvent, before: readonly TraceEvent[]) => boolean>,
  matched: TraceEvent[],
): boolean {
  const [pattern, ...rest] = patterns;
  if (pattern === undefined) return true;
  for (let index = start; index < events.length; index++) {
    const event = events[index]!;
    if (pattern(event, matched) && matchFrom(events, index + 1, rest, [...matched, event])) return true;
  }
  return false;
}
