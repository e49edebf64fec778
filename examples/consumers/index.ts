import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { RepoApiKey } from "@flashbacktech/pulumi";

const config = new pulumi.Config();
const repoId = config.require("repoId");
const namespace = config.get("namespace") ?? "default";

// The application's own key: write access to one repository, and nothing else.
const storageKey = new RepoApiKey("app-storage", { repoId, name: "app-storage", accessType: "WRITE" });

// The credentials go from Flashback's answer into the cluster without passing through anyone's
// hands: both outputs are secret, so the Kubernetes provider keeps them encrypted in the state too.
// Any S3 SDK reads these variables; Flashback's bridge nodes speak S3.
const credentials = new k8s.core.v1.Secret("flashback-storage", {
  metadata: { namespace, labels: { "app.kubernetes.io/part-of": "app" } },
  type: "Opaque",
  stringData: {
    AWS_ACCESS_KEY_ID: storageKey.key,
    AWS_SECRET_ACCESS_KEY: storageKey.secret,
    AWS_ENDPOINT_URL_S3: "https://s3-us-east-1-aws.flashback.tech",
  },
});

// The workload mounts the Secret as environment variables. When the key is replaced (a new
// repoId, a rotation), the Secret is updated before the old key is deleted.
new k8s.apps.v1.Deployment("app", {
  metadata: { namespace },
  spec: {
    selector: { matchLabels: { app: "app" } },
    template: {
      metadata: { labels: { app: "app" } },
      spec: {
        containers: [{ name: "app", image: "ghcr.io/example/app:1.0.0", envFrom: [{ secretRef: { name: credentials.metadata.name } }] }],
      },
    },
  },
});

export const secretName = credentials.metadata.name;
