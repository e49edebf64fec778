// Flashback keys declared through the SDK that `pulumi package add` generates (sdks/flashback).
//
// Always one key, `reader`. With the config `hiddenName` set, a component as a platform team writes
// one, holding a key whose name and rotation trigger are secrets; with `adoptId`, an existing key
// adopted with the `import` resource option under a secret name. With `lookup`, the keys of the
// repository and the reader, found by its name, from the functions' output forms. With `rotation`,
// a RotatingRepoApiKey (the plugin's component) and its six outputs, and a RotationSchedule alone.
// With `ageRecipientFile` and `pgpKeyFile`, keys sealed with encryptTo (test/helpers/encrypt-to-through-cli.ts).
package main

import (
	"os"

	"github.com/flashbacknetwork/pulumi-flashback/sdk/go/flashback"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Team is a component that owns a key: the key's URN carries the component's type before its own.
type Team struct {
	pulumi.ResourceState
	Key *flashback.RepoApiKey
}

func newTeam(ctx *pulumi.Context, name string, repoID string, keyName, rotation pulumi.StringInput) (*Team, error) {
	team := &Team{}
	if err := ctx.RegisterComponentResource("flashback-e2e:index:Team", name, team); err != nil {
		return nil, err
	}
	key, err := flashback.NewRepoApiKey(ctx, name+"-key", &flashback.RepoApiKeyArgs{
		RepoId:            pulumi.String(repoID),
		Name:              keyName,
		AccessType:        flashback.AccessTypeRead,
		RotateWhenChanged: rotation,
	}, pulumi.Parent(team))
	if err != nil {
		return nil, err
	}
	team.Key = key
	return team, ctx.RegisterResourceOutputs(team, pulumi.Map{"keyId": key.ID()})
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		repoID := cfg.Require("repoId")
		reader, err := flashback.NewRepoApiKey(ctx, "reader", &flashback.RepoApiKeyArgs{
			RepoId:     pulumi.String(repoID),
			Name:       pulumi.String(orDefault(cfg.Get("keyName"), "go-reader")),
			AccessType: flashback.AccessType(orDefault(cfg.Get("accessType"), "READ")),
		})
		if err != nil {
			return err
		}
		ctx.Export("keyId", reader.ID())
		ctx.Export("accessKey", reader.Key)
		ctx.Export("secretKey", reader.Secret)

		if cfg.Get("hiddenName") != "" {
			team, err := newTeam(ctx, "team", repoID, cfg.RequireSecret("hiddenName"), cfg.RequireSecret("hiddenRotation"))
			if err != nil {
				return err
			}
			ctx.Export("hiddenKeyName", team.Key.Name)
		}
		if adoptID := cfg.Get("adoptId"); adoptID != "" {
			_, err := flashback.NewRepoApiKey(ctx, "adopted", &flashback.RepoApiKeyArgs{
				RepoId:     pulumi.String(repoID),
				Name:       cfg.RequireSecret("adoptName"),
				AccessType: flashback.AccessTypeRead,
			}, pulumi.Import(pulumi.ID(adoptID)))
			if err != nil {
				return err
			}
		}
		if cfg.GetBool("lookup") {
			listed := flashback.GetRepoApiKeysOutput(ctx, flashback.GetRepoApiKeysOutputArgs{RepoId: pulumi.String(repoID)})
			ctx.Export("listedKeys", listed.Keys())
			// Go names the function of a type that is also a resource Lookup<Type>, as every Pulumi Go SDK does.
			ctx.Export("foundKey", flashback.LookupRepoApiKeyOutput(ctx, flashback.LookupRepoApiKeyOutputArgs{RepoId: pulumi.String(repoID), Name: reader.Name}))
		}
		if cfg.Get("rotation") != "" {
			rotating, err := flashback.NewRotatingRepoApiKey(ctx, "rotating", &flashback.RotatingRepoApiKeyArgs{
				RepoId:          pulumi.String(repoID),
				Name:            pulumi.String("go-rotating"),
				AccessType:      flashback.AccessTypeRead,
				Rotation:        pulumi.Int(cfg.RequireInt("rotation")),
				RotateEveryDays: pulumi.Float64(30),
			})
			if err != nil {
				return err
			}
			ctx.Export("rotatingCurrentKeyId", rotating.CurrentKeyId)
			ctx.Export("rotatingCurrentKey", rotating.CurrentKey)
			ctx.Export("rotatingCurrentSecret", rotating.CurrentSecret)
			ctx.Export("rotatingPreviousKeyId", rotating.PreviousKeyId)
			ctx.Export("rotatingPreviousKey", rotating.PreviousKey)
			ctx.Export("rotatingPreviousSecret", rotating.PreviousSecret)
			schedule, err := flashback.NewRotationSchedule(ctx, "schedule", &flashback.RotationScheduleArgs{EveryDays: pulumi.Float64(30)})
			if err != nil {
				return err
			}
			ctx.Export("scheduleRotation", schedule.Rotation)
		}
		if file := cfg.Get("ageRecipientFile"); file != "" {
			return declareSealed(ctx, cfg, repoID, file)
		}
		return nil
	})
}

// declareSealed declares the keys sealed with encryptTo: one per recipient, and a sealed RotatingRepoApiKey.
func declareSealed(ctx *pulumi.Context, cfg *config.Config, repoID, ageRecipientFile string) error {
	ageRecipient, err := os.ReadFile(ageRecipientFile)
	if err != nil {
		return err
	}
	pgpRecipient, err := os.ReadFile(cfg.Require("pgpKeyFile"))
	if err != nil {
		return err
	}
	for prefix, recipient := range map[string][]byte{"age": ageRecipient, "pgp": pgpRecipient} {
		key, err := flashback.NewRepoApiKey(ctx, prefix+"-key", &flashback.RepoApiKeyArgs{
			RepoId:     pulumi.String(repoID),
			Name:       pulumi.String("sealed-" + prefix),
			AccessType: flashback.AccessTypeRead,
			EncryptTo:  pulumi.String(string(recipient)),
		})
		if err != nil {
			return err
		}
		ctx.Export(prefix+"KeyId", key.ID())
		ctx.Export(prefix+"Secret", key.Secret)
		ctx.Export(prefix+"EncryptedSecret", key.EncryptedSecret)
	}
	sealed, err := flashback.NewRotatingRepoApiKey(ctx, "sealed-rotating", &flashback.RotatingRepoApiKeyArgs{
		RepoId:     pulumi.String(repoID),
		Name:       pulumi.String("sealed-rotating"),
		AccessType: flashback.AccessTypeRead,
		Rotation:   pulumi.Int(cfg.RequireInt("sealedRotation")),
		EncryptTo:  pulumi.String(string(ageRecipient)),
	})
	if err != nil {
		return err
	}
	ctx.Export("sealedCurrentKeyId", sealed.CurrentKeyId)
	ctx.Export("sealedCurrentSecret", sealed.CurrentSecret)
	ctx.Export("sealedCurrentEncryptedSecret", sealed.CurrentEncryptedSecret)
	ctx.Export("sealedPreviousKeyId", sealed.PreviousKeyId)
	ctx.Export("sealedPreviousSecret", sealed.PreviousSecret)
	ctx.Export("sealedPreviousEncryptedSecret", sealed.PreviousEncryptedSecret)
	return nil
}

func orDefault(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}
