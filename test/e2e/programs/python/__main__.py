"""Flashback keys declared through the SDK that `pulumi package add` generates (sdks/flashback).

Always one key, `reader`. With the config `hiddenName` set, a component as a platform team writes
one, holding a key whose name and rotation trigger are secrets; with `adoptId`, an existing key
adopted with the `import` resource option under a secret name. With `lookup`, the keys of the
repository and the reader, found by its name, from the functions' output forms. With `rotation`,
a RotatingRepoApiKey (the plugin's component) and its six outputs, and a RotationSchedule alone.
With `ageRecipientFile` and `pgpKeyFile`, keys sealed with encryptTo (test/helpers/encrypt-to-through-cli.ts).
"""

import pulumi
import pulumi_flashback as flashback


class Team(pulumi.ComponentResource):
    """A component that owns a key: the key's URN carries the component's type before its own."""

    def __init__(self, name, repo_id, key_name, rotation, opts=None):
        super().__init__("flashback-e2e:index:Team", name, None, opts)
        self.key = flashback.RepoApiKey(
            f"{name}-key",
            repo_id=repo_id,
            name=key_name,
            access_type="READ",
            rotate_when_changed=rotation,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"keyId": self.key.id})


config = pulumi.Config()
repo_id = config.require("repoId")
reader = flashback.RepoApiKey(
    "reader",
    repo_id=repo_id,
    name=config.get("keyName") or "python-reader",
    access_type=config.get("accessType") or "READ",
)

pulumi.export("keyId", reader.id)
pulumi.export("accessKey", reader.key)
pulumi.export("secretKey", reader.secret)

hidden_name = config.get_secret("hiddenName")
if hidden_name is not None:
    team = Team("team", repo_id, hidden_name, config.require_secret("hiddenRotation"))
    pulumi.export("hiddenKeyName", team.key.name)

adopt_id = config.get("adoptId")
if adopt_id is not None:
    flashback.RepoApiKey(
        "adopted",
        repo_id=repo_id,
        name=config.require_secret("adoptName"),
        access_type="READ",
        opts=pulumi.ResourceOptions(import_=adopt_id),
    )

if config.get_bool("lookup"):
    listed = flashback.get_repo_api_keys_output(repo_id=repo_id)
    pulumi.export("listedKeys", listed.keys)
    pulumi.export("foundKey", flashback.get_repo_api_key_output(repo_id=repo_id, name=reader.name))

rotation = config.get_int("rotation")
if rotation is not None:
    rotating = flashback.RotatingRepoApiKey(
        "rotating", repo_id=repo_id, name="python-rotating", access_type="READ", rotation=rotation, rotate_every_days=30
    )
    for which in ("current", "previous"):
        pulumi.export(f"rotating{which.title()}KeyId", getattr(rotating, f"{which}_key_id"))
        pulumi.export(f"rotating{which.title()}Key", getattr(rotating, f"{which}_key"))
        pulumi.export(f"rotating{which.title()}Secret", getattr(rotating, f"{which}_secret"))
    pulumi.export("scheduleRotation", flashback.RotationSchedule("schedule", every_days=30).rotation)

age_recipient_file = config.get("ageRecipientFile")
if age_recipient_file is not None:
    with open(age_recipient_file) as file:
        age_recipient = file.read()
    with open(config.require("pgpKeyFile")) as file:
        pgp_recipient = file.read()
    for prefix, recipient in (("age", age_recipient), ("pgp", pgp_recipient)):
        sealed_key = flashback.RepoApiKey(
            f"{prefix}-key", repo_id=repo_id, name=f"sealed-{prefix}", access_type="READ", encrypt_to=recipient
        )
        pulumi.export(f"{prefix}KeyId", sealed_key.id)
        pulumi.export(f"{prefix}Secret", sealed_key.secret)
        pulumi.export(f"{prefix}EncryptedSecret", sealed_key.encrypted_secret)
    sealed = flashback.RotatingRepoApiKey(
        "sealed-rotating",
        repo_id=repo_id,
        name="sealed-rotating",
        access_type="READ",
        rotation=config.require_int("sealedRotation"),
        encrypt_to=age_recipient,
    )
    for which in ("current", "previous"):
        pulumi.export(f"sealed{which.title()}KeyId", getattr(sealed, f"{which}_key_id"))
        pulumi.export(f"sealed{which.title()}Secret", getattr(sealed, f"{which}_secret"))
        pulumi.export(f"sealed{which.title()}EncryptedSecret", getattr(sealed, f"{which}_encrypted_secret"))
