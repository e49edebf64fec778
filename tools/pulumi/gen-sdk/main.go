// Command gen-sdk writes a Pulumi package's SDK for one language from its schema, with the code
// generators of the pinned pkg/v3 (the CLI's own). The CLI's `pulumi package gen-sdk` and
// `pulumi package add` ask the language's host to do this (GeneratePackage); Pulumi's Python and Go
// hosts cannot be built here, and the stand-ins in ../language-host run this instead.
//
// Usage: gen-sdk <schema.json> <python|go> <out-dir>
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pythongen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: gen-sdk <schema.json> <python|go> <out-dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "gen-sdk:", err)
		os.Exit(1)
	}
}

func run(schemaPath, language, outDir string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("reading %s: %w", schemaPath, err)
	}
	// The package references no other, so the loader is never asked for one.
	pkg, diags, err := schema.BindSpec(spec, schema.NewPluginLoader(nil), schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("the schema does not bind: %v", diags)
	}
	var files map[string][]byte
	switch language {
	case "python":
		files, err = pythongen.GeneratePackage("gen-sdk", pkg, map[string][]byte{}, nil)
	case "go":
		files, err = gogen.GeneratePackage("gen-sdk", pkg, nil)
	default:
		return fmt.Errorf("no generator for %q: python or go", language)
	}
	if err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(outDir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
