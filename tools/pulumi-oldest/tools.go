//go:build tools

// Package tools pins the oldest Pulumi CLI this provider supports, which a smoke set of the
// real-CLI suites also runs on: v3.274.1, the last CLI that still reads (and upgrades) the legacy
// DIY state layout, so the last one a user who has not yet upgraded such a backend can run.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
