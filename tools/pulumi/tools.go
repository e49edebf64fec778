//go:build tools

// Package tools pins the Pulumi CLI and its language hosts so that
// `npm run setup:pulumi` builds them from the Go module proxy at one version.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
