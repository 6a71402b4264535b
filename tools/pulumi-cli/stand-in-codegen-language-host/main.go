// Command stand-in-codegen-language-host is a STAND-IN for Pulumi's Python and Go language hosts,
// built twice by build.sh, as pulumi-language-python and pulumi-language-go.
//
// The real hosts live in Go modules of their own (sdk/python/cmd/pulumi-language-python and
// sdk/go/pulumi-language-go), which the Go module proxy that this project's machines reach does not
// serve, so they cannot be built here. `pulumi package gen-sdk --language python|go` always goes
// through the language's host, so this one serves the one call it needs, GeneratePackage, the way
// the real hosts do (read at the tag we build): it binds the schema, calls Pulumi's own code
// generator for the language (pkg/v3/codegen/python or pkg/v3/codegen/go) and writes its files.
// The SDK's code is therefore Pulumi's own. Everything else (running programs, installing
// dependencies, linking an SDK into a project) is left out and answers Unimplemented.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"

	"snowplow-dedup/pulumi-cli/standin"
)

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	language string
}

func main() {
	flag.String("tracing", "", "ignored")
	flag.Bool("binary", false, "ignored")
	flag.String("root", "", "ignored")
	flag.Parse()
	language := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-language-")
	if language != "python" && language != "go" {
		cmdutil.Exit(fmt.Errorf("build this stand-in as pulumi-language-python or pulumi-language-go, not %s", os.Args[0]))
	}

	engine := ""
	if args := flag.Args(); len(args) > 0 {
		engine = args[0]
	}
	standin.ServeLanguageRuntime(engine, &host{language: language})
}

func (h *host) Handshake(
	context.Context, *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "0.0.0-stand-in"}, nil
}

// GeneratePackage writes the SDK of a package's schema with Pulumi's own code generator.
func (h *host) GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewCachedLoader(loader), schema.ValidationOptions{
		AllowDanglingReferences: true,
	})
	if err != nil {
		return nil, err
	}
	rpcDiagnostics := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiagnostics}, nil
	}

	var files map[string][]byte
	switch h.language {
	case "python":
		files, err = pygen.GeneratePackage(
			"pulumi-language-python", pkg, req.GetExtraFiles(), schema.NewCachedLoader(loader))
	case "go":
		if len(req.GetExtraFiles()) > 0 {
			return nil, errors.New("overlays are not supported for Go")
		}
		files, err = gogen.GeneratePackage("pulumi-language-go", pkg, req.GetLocalDependencies())
	}
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		out := filepath.Join(req.GetDirectory(), name)
		if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(out, data, 0o600); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiagnostics}, nil
}
