import { AsyncLocalStorage } from "node:async_hooks";
import type { HttpRequest, HttpResult, HttpTransport } from "../../provider/client/http-transport";
import type { RepoApiKeyLifecycle } from "../../provider/lifecycle/repo-api-key-lifecycle";
import type { ModelTrace } from "./model-trace";
import type { InMemoryFlashback } from "../../testkit/in-memory-flashback";
import { Machine, type VirtualTimeScheduler } from "../../testkit/virtual-time-scheduler";
import type { WireFault } from "./model-world";

/** One command of one stack, as the model remembers it. */
export interface DeploymentRecord {
  id: string;
  stack: number;
  killed: boolean;
}

/** Which engine step a request belongs to: Flashback keeps it on what the request made, renamed or deleted. */
export interface StepTag {
  deployment: DeploymentRecord;
  stack: number;
  kind: "create" | "update" | "delete" | "read" | "import";
  urn: string;
  /** A create's declared name. */
  declaredName?: string;
  /** The key an update, delete or read is about. */
  targetId?: string;
  /** Whether the step's result reached the stack's state. */
  checkpointed: boolean;
  /** A create with `encryptTo`: the key's secret must reach nobody in plain text. */
  sealed?: boolean;
}

/** Carried through every await of a lifecycle call, so each request is known by the step that sent it. */
export const stepContext = new AsyncLocalStorage<StepTag>();

export function isStepTag(value: unknown): value is StepTag {
  return typeof value === "object" && value !== null && "deployment" in value && "kind" in value;
}

/** What the model calls of a lifecycle: the real one, or a copy with a fault put in (model-faults.ts). */
export type ModelLifecycle = Pick<RepoApiKeyLifecycle, "check" | "diff" | "create" | "read" | "importKey" | "update" | "delete">;

/** A provider process: its lifecycle, and the requests it has on the wire. */
export interface ModelProcess {
  id: string;
  alive: boolean;
  lifecycle: ModelLifecycle;
  inFlight: Set<{ applied: boolean; apply: () => void }>;
}

/**
 * The network between provider processes and Flashback: a request reaches Flashback, and its answer
 * comes back, each when the scheduler says; on the way it may be lost (never sent, 503 without
 * acting, acted on with the answer lost). A killed process's requests still in flight reach
 * Flashback or not, as the generator chose, and nothing of it runs again.
 */
export class ModelWire {
  readonly #faults: WireFault[];
  readonly #latencies: number[];
  /** Network time runs on Flashback's clock: a machine's sleep does not hold a packet back. */
  readonly #network = new Machine("network", 0);

  constructor(
    private readonly scheduler: VirtualTimeScheduler,
    private readonly flashback: InMemoryFlashback,
    wire: { faults: readonly WireFault[]; latencies: readonly number[] },
    private readonly onApplied: (request: HttpRequest, tag: StepTag | undefined, result: HttpResult, process: string) => void,
    private readonly trace: ModelTrace,
  ) {
    this.#faults = [...wire.faults];
    this.#latencies = [...wire.latencies];
  }

  transport(process: Pick<ModelProcess, "id" | "alive" | "inFlight">): HttpTransport {
    return this.flashback.transport(
      () => stepContext.getStore(),
      (request, apply) => this.#carry(process, request, apply),
    );
  }

  /** From now on every request goes through whole: for the deployment that checks what the others left. */
  calm(): void {
    this.#faults.length = 0;
    this.#latencies.length = 0;
  }

  /** The process dies: what it has in flight reaches Flashback where `reach` says so (cycled), and it never acts again. */
  kill(process: ModelProcess, reach: readonly boolean[]): void {
    let index = 0;
    for (const flight of process.inFlight) {
      const reaches = reach.length === 0 ? true : reach[index++ % reach.length];
      if (!flight.applied && reaches) flight.apply();
    }
    process.inFlight.clear();
    process.alive = false;
    this.scheduler.drop(process.id);
  }

  async #carry(
    process: Pick<ModelProcess, "id" | "alive" | "inFlight">,
    request: HttpRequest,
    apply: () => HttpResult,
  ): Promise<HttpResult> {
    if (!process.alive) return new Promise<never>(() => undefined);
    const tag = stepContext.getStore();
    const fault = this.#faults.shift() ?? "none";
    const label = `${process.id} ${request.method} /${request.path}`;
    let result: HttpResult | undefined;
    const flight = {
      applied: false,
      apply: () => {
        flight.applied = true;
        result = apply();
        this.onApplied(request, tag, result, process.id);
      },
    };
    process.inFlight.add(flight);
    // A slow request: the others go on meanwhile.
    const latencyMs = this.#latencies.shift() ?? 0;
    if (latencyMs > 0) await this.scheduler.clockFor(process.id, this.#network).sleep(latencyMs);
    await this.scheduler.step(`${label} reaches Flashback${fault === "none" ? "" : ` (${fault})`}`, process.id);
    if (fault === "unsent" || fault === "503") {
      process.inFlight.delete(flight);
      this.trace.add({ kind: "answered", process: process.id, method: request.method, path: request.path, fault });
      return fault === "unsent" ? { kind: "network", networkCode: "ECONNREFUSED", sent: false } : serviceUnavailable();
    }
    flight.apply();
    const answered = result as HttpResult | undefined;
    await this.scheduler.step(`${label} answered ${answered?.kind === "response" ? answered.status : "?"}`, process.id);
    process.inFlight.delete(flight);
    this.trace.add({ kind: "answered", process: process.id, method: request.method, path: request.path, fault });
    return fault === "lost" ? { kind: "network", networkCode: "ECONNRESET", sent: true } : (answered as HttpResult);
  }
}

function serviceUnavailable(): HttpResult {
  return {
    kind: "response",
    status: 503,
    statusText: "Service Unavailable",
    retryAfter: undefined,
    date: undefined,
    link: undefined,
    text: JSON.stringify({ success: false, error_code: "SERVICE_UNAVAILABLE", message: "Try again later" }),
  };
}
