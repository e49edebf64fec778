"""One Flashback key, declared through the SDK that `pulumi package add` generates (sdks/flashback)."""

import pulumi
import pulumi_flashback as flashback

config = pulumi.Config()
reader = flashback.RepoApiKey(
    "reader",
    repo_id=config.require("repoId"),
    name=config.get("keyName") or "python-reader",
    access_type=config.get("accessType") or "READ",
)

pulumi.export("keyId", reader.id)
pulumi.export("accessKey", reader.key)
pulumi.export("secretKey", reader.secret)
