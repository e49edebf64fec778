//go:build tools

// Package tools pins actionlint, the linter of GitHub Actions workflows, so that
// `npm run setup:pulumi` builds it from the Go module proxy at one version and
// `npm run lint:workflows` checks every workflow with it.
package tools

import (
	_ "github.com/rhysd/actionlint/cmd/actionlint"
)
