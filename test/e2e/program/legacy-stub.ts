import * as pulumi from "@pulumi/pulumi";

/*
 * The `__provider` stub that earlier builds of 0.1.0 serialized into every RepoApiKey: seven methods, each
 * loading the lifecycle at call time. Stacks created with it must keep working, and must not
 * change, once a newer package serializes a smaller stub.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const implementation = (): pulumi.dynamic.ResourceProvider => require("@flashbacktech/pulumi/lifecycle").repoApiKeyProvider;

const legacyStub: pulumi.dynamic.ResourceProvider = {
  configure: (request) => (implementation().configure as NonNullable<pulumi.dynamic.ResourceProvider["configure"]>)(request),
  check: (olds, news) => (implementation().check as NonNullable<pulumi.dynamic.ResourceProvider["check"]>)(olds, news),
  diff: (id, olds, news) => (implementation().diff as NonNullable<pulumi.dynamic.ResourceProvider["diff"]>)(id, olds, news),
  create: (inputs) => implementation().create(inputs),
  read: (id, props) => (implementation().read as NonNullable<pulumi.dynamic.ResourceProvider["read"]>)(id, props),
  update: (id, olds, news) => (implementation().update as NonNullable<pulumi.dynamic.ResourceProvider["update"]>)(id, olds, news),
  delete: (id, props) => (implementation().delete as NonNullable<pulumi.dynamic.ResourceProvider["delete"]>)(id, props),
};

/** A RepoApiKey as those builds registered it: same type token, same inputs, the old stub. */
export class LegacyRepoApiKey extends pulumi.dynamic.Resource {
  declare readonly key: pulumi.Output<string>;
  declare readonly secret: pulumi.Output<string>;

  constructor(name: string, args: { repoId: string; name: string; accessType: string }) {
    super(
      legacyStub,
      name,
      { ...args, rotateWhenChanged: undefined, key: undefined, secret: undefined },
      { additionalSecretOutputs: ["key", "secret"] },
      "flashback",
      "RepoApiKey",
    );
  }
}
