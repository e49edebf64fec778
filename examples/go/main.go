// Two Flashback repository API keys from Go, through the SDK `pulumi package add` generates.
package main

import (
	"github.com/flashbacknetwork/pulumi-flashback/sdk/go/flashback"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		repoID := pulumi.String(config.Require(ctx, "repoId"))
		reader, err := flashback.NewRepoApiKey(ctx, "reader", &flashback.RepoApiKeyArgs{
			RepoId:     repoID,
			Name:       pulumi.String("go-reader"),
			AccessType: flashback.AccessTypeRead,
		})
		if err != nil {
			return err
		}
		// Fed from another resource's output: this key is replaced whenever the reader is.
		writer, err := flashback.NewRepoApiKey(ctx, "writer", &flashback.RepoApiKeyArgs{
			RepoId:            repoID,
			Name:              pulumi.String("go-writer"),
			AccessType:        flashback.AccessTypeWrite,
			RotateWhenChanged: reader.ID().ToStringOutput(),
		})
		if err != nil {
			return err
		}
		ctx.Export("readerKeyId", reader.ID())
		ctx.Export("accessKey", reader.Key) // secret: masked by the CLI, encrypted in the state
		ctx.Export("secretKey", reader.Secret)
		ctx.Export("writerSecret", writer.Secret)
		return nil
	})
}
