//go:build tools

// Package tools pins Pulumi's YAML language host, which build.sh builds from this module.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
