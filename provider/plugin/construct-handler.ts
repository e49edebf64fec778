import type { PluginSession, ProtoRequest } from "./plugin-session";

/** Construct: a component (`RotatingRepoApiKey`) registered with its children through the engine. */
export class ConstructHandler {
  constructor(
    private readonly session: PluginSession,
    /** The engine's address, which a component's registrations need. */
    private readonly engineAddress: string | undefined,
  ) {}

  /** The SDK's runtime is loaded on first use: most runs construct nothing. */
  async construct(request: ProtoRequest): Promise<unknown> {
    const { construct } = await import("./construct.js");
    return construct(request, { engineAddress: this.engineAddress, log: this.session.log, redact: (text) => this.session.redact(text) });
  }
}
