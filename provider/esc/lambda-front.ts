import { resolveEscSettings } from "./esc-settings";
import { createRotator, type Rotator } from "./rotate";

/** The part of an AWS Lambda function URL event (payload format 2.0) the adapter reads. */
export interface FunctionUrlEvent {
  headers?: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string } };
}

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

let rotator: Rotator | undefined;

/**
 * The AWS Lambda function URL front: `handler` of `dist/provider/esc/lambda-front.js`. Settings
 * come from the function's environment, read once per instance; so does the `jti` cache.
 */
export async function handler(event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  rotator ??= createRotator(resolveEscSettings());
  return handleFunctionUrlEvent(rotator, event);
}

/** One event through `rotator`; the body is rebuilt to the bytes ESC sent, base64 or not, since `body_hash` covers them. */
export async function handleFunctionUrlEvent(rotator: Rotator, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  const method = event.requestContext?.http?.method ?? "POST";
  if (method !== "POST") return result(405, { error: "method not allowed", message: "ESC rotates with POST" });
  const raw = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
  const answer = await rotator.rotate(raw, event.headers ?? {});
  return result(answer.status, answer.body);
}

function result(statusCode: number, body: unknown): FunctionUrlResult {
  return { statusCode, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: JSON.stringify(body) };
}
