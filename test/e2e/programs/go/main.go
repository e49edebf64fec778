// One Flashback key, declared through the SDK that `pulumi package add` generates (sdks/flashback).
package main

import (
	"github.com/flashbacknetwork/pulumi-flashback/sdk/go/flashback"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		reader, err := flashback.NewRepoApiKey(ctx, "reader", &flashback.RepoApiKeyArgs{
			RepoId:     pulumi.String(cfg.Require("repoId")),
			Name:       pulumi.String(orDefault(cfg.Get("keyName"), "go-reader")),
			AccessType: flashback.AccessType(orDefault(cfg.Get("accessType"), "READ")),
		})
		if err != nil {
			return err
		}
		ctx.Export("keyId", reader.ID())
		ctx.Export("accessKey", reader.Key)
		ctx.Export("secretKey", reader.Secret)
		return nil
	})
}

func orDefault(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}
