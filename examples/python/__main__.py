"""Two Flashback repository API keys from Python, through the SDK `pulumi package add` generates."""

import pulumi
import pulumi_flashback as flashback

repo_id = pulumi.Config().require("repoId")

reader = flashback.RepoApiKey(
    "reader",
    repo_id=repo_id,
    name="python-reader",
    access_type=flashback.AccessType.READ,
)
# Fed from another resource's output: this key is replaced whenever the reader is.
writer = flashback.RepoApiKey(
    "writer",
    repo_id=repo_id,
    name="python-writer",
    access_type=flashback.AccessType.WRITE,
    rotate_when_changed=reader.id,
)

pulumi.export("readerKeyId", reader.id)
pulumi.export("accessKey", reader.key)  # secret: masked by the CLI, encrypted in the state
pulumi.export("secretKey", reader.secret)
pulumi.export("writerSecret", writer.secret)
