//go:build tools

// Package tools pins Pulumi's YAML language host, which `npm run setup:pulumi` builds beside the
// CLI. It is a module of its own because pulumi-yaml v1.25.0 does not compile against the CLI's
// pkg/v3 v3.274.1 (tools/pulumi): here it gets the pkg/v3 it was released with (v3.206.0).
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
