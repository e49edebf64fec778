import type * as grpcJs from "@grpc/grpc-js";
import { messageOf } from "../errors/message-of";
import { maskRuntimeSecrets } from "../errors/runtime-secrets";
import type { EngineLog } from "../engine/engine-log";
import {
  anyProto,
  fromStruct,
  grpc,
  providerProto,
  statusProto,
  toStruct,
  unwrapSecrets,
  wrapSecrets,
  type Props,
} from "../engine/pulumi-protocol";
import { PartialKeyError } from "../errors/partial-key-error";
import type { RepoApiKeyLifecycle } from "../lifecycle/repo-api-key-lifecycle";

/** A request of Pulumi's generated protobuf classes, which carry no types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProtoRequest = any;

/** A failure already in the engine's terms (a partial resource's secrets wrapped as its inputs were). */
export class EngineFailure {
  constructor(readonly status: Partial<grpcJs.ServiceError>) {}
}

/**
 * What every group of the plugin's handlers shares, as pulumi-go-provider's handlers share their
 * provider: the one lifecycle, the engine's log, and the masking of every secret the plugin has seen.
 */
export class PluginSession {
  constructor(
    readonly lifecycle: RepoApiKeyLifecycle,
    readonly log: EngineLog,
  ) {}

  /** A text with every secret this process has seen masked: the lifecycle's, and those a Construct's SDK runtime carried. */
  redact(text: string): string {
    return maskRuntimeSecrets(this.lifecycle.redact(text));
  }

  /** Plain values and which were secret; the secret ones are masked in every message from now on. */
  unwrap(struct: { toJavaScript(): Props } | undefined): { plain: Props; secretKeys: string[] } {
    const unwrapped = unwrapSecrets(fromStruct(struct));
    this.lifecycle.treatAsSecret(...unwrapped.secretKeys.map((key) => unwrapped.plain[key]));
    return unwrapped;
  }

  /**
   * A failure as the engine reads it: the redacted message, and for a key Flashback made but could
   * not hand over whole, the partial resource (`ErrorResourceInitFailed`) the engine records so
   * that the next `up` replaces it.
   */
  toGrpcError(error: unknown, secretFields: readonly string[]): Partial<grpcJs.ServiceError> {
    const message = this.redact(messageOf(error));
    const metadata = new grpc.Metadata();
    if (error instanceof PartialKeyError) {
      const detail = new providerProto.ErrorResourceInitFailed()
        .setId(error.id)
        .setProperties(toStruct(wrapSecrets(definedOnly({ ...error.outputs }), secretFields)))
        .setReasonsList([message]);
      const packed = new anyProto.Any();
      packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
      const status = new statusProto.Status().setCode(grpc.status.UNKNOWN).setMessage(message).setDetailsList([packed]);
      metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    }
    return { code: grpc.status.UNKNOWN, details: message, metadata };
  }
}

/** A Struct holds no `undefined`. */
export function definedOnly(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}
