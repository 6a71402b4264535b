// Command pulumi-language-nodejs is a STAND-IN for Pulumi's Node.js language host.
//
// The real host lives in its own Go module (sdk/nodejs/cmd/pulumi-language-nodejs), which the Go
// module proxy that this project's machines reach does not serve, so it cannot be built here. The
// CLI finds a language host by its binary name, so this one carries the real one's name; build.sh
// puts it in a folder of its own, never on a user's PATH.
//
// It does only what the tests need of a language host, and does it the way the real host's
// source does (sdk/nodejs/cmd/pulumi-language-nodejs/main.go at the same tag):
//   - Run, for `pulumi preview` and `pulumi up`: it starts the real entry point of the SDK,
//     `@pulumi/pulumi/cmd/run`, with the arguments and environment that the real host passes
//     (monitor and engine addresses, organization, project, root directory, stack, program
//     directory, --dry-run, parallelism, and the config in PULUMI_CONFIG and
//     PULUMI_CONFIG_SECRET_KEYS);
//   - RunPlugin, for a policy pack (`--policy-pack`, kind "analyzer"): it starts the SDK's real
//     `@pulumi/pulumi/cmd/run-policy-pack` in the pack's folder, behind the Go SDK's own
//     PolicyProxy, which hands the stack's organization, project, stack, dry-run flag and config
//     to the pack; and, for any other kind (a component provider), the SDK's real
//     `@pulumi/pulumi/cmd/run-plugin` with the plugin's folder first, in the request's working
//     directory, with the CLI's environment. The plugin's port, its first line on stdout, streams
//     back to the engine;
//   - InstallDependencies, which the CLI asks for when it installs a component package: the
//     Node.js SDK's own npm package runs `npm install` in the npm workspace that holds the
//     package's folder, or in the folder, as the real host's does.
//
// Like the real host, it exits when the engine that started it stops answering its health check,
// so that no stand-in outlives a test. It leaves out the real host's monitor proxy and
// synchronous-invoke pipes, plugin discovery (the engine then loads a
// provider when the program first needs it), the bun runtime and debugging.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"snowplow-dedup/pulumi-cli/standin"
)

// The SDK exits with this code after it has printed an error the user can act on.
const exitAfterActionableMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	flag.String("tracing", "", "ignored")
	flag.String("runtime", "nodejs", "ignored: only nodejs")
	flag.Parse()
	h := &host{}
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[0]
	}

	standin.ServeLanguageRuntime(h.engineAddress, h)
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "0.0.0-stand-in"}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetProgramDependencies(
	context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// InstallDependencies installs a program's or a plugin's packages as the real host does, with the
// Node.js SDK's own npm package: `npm install` (or the package manager that the folder's lock file
// names) in the npm workspace that holds the folder, or in the folder itself. For a component
// package the CLI asks for it whenever it installs the package, from a local path or from git; npm
// then runs the package's `prepare` script. It leaves out the real host's Node.js version
// install (`UseLanguageVersionTools`), its `packagemanager` and `production` options, and its
// install cache, which only Pulumi's conformance tests turn on.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()

	fmt.Fprint(stdout, "Installing dependencies...\n\n")
	root := req.GetInfo().GetProgramDirectory()
	if workspace, err := npm.FindWorkspaceRoot(root); err == nil {
		fmt.Fprintf(stdout, "Detected workspace root at %s\n", workspace)
		root = workspace
	} else if !errors.Is(err, npm.ErrNotInWorkspace) {
		return fmt.Errorf("failure while trying to find workspace root: %w", err)
	}
	if _, err := npm.Install(server.Context(), npm.AutoPackageManager, root, false, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprint(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	runPath, err := resolveModule("@pulumi/pulumi/cmd/run", dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := []string{runPath}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", info.GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", dir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	// The SDK reads config keys in the older `<namespace>:config:<name>` form, as the real host
	// passes them.
	cfg := map[string]string{}
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	cfgJSON, _ := json.Marshal(cfg)
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, _ := json.Marshal(secretKeys)

	env := append(os.Environ(), "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	options := info.GetOptions().AsMap()
	if ts, ok := options["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == exitAfterActionableMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin starts a plugin written in TypeScript or JavaScript: a policy pack (kind "analyzer")
// or a component provider. It follows the real host's RunPlugin, less debugging and bun.
func (h *host) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	analyzer := req.GetKind() == string(apitype.AnalyzerPlugin)

	env := req.GetEnv()
	options := info.GetOptions().AsMap()
	if ts, ok := options["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	module := "@pulumi/pulumi/cmd/run-plugin"
	if analyzer {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := resolveModule(module, dir)
	if err != nil {
		return err
	}
	// A policy pack takes its folder last; any other plugin takes it first.
	args := []string{runPath}
	if analyzer {
		args = append(append(args, req.GetArgs()...), dir)
	} else {
		args = append(append(args, dir), req.GetArgs()...)
	}

	// A policy pack learns the stack's configuration from the environment. The engine sends it
	// over gRPC, so the Go SDK's PolicyProxy answers the engine first, then relays to the pack.
	var proxy *sdk.PolicyProxy
	if analyzer {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack's configuration: %w", err)
		}
		if stack != nil {
			set := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			set("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
			set("PULUMI_NODEJS_PROJECT", stack.GetProject())
			set("PULUMI_NODEJS_STACK", stack.GetStack())
			set("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
			if stack.GetConfig() != nil {
				cfgJSON, err := json.Marshal(stack.GetConfig())
				if err != nil {
					return err
				}
				set("PULUMI_CONFIG", string(cfgJSON))
			}
		}
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	// Policy packs run in their own folder, as they always have; other plugins where asked.
	if analyzer {
		cmd.Dir = dir
	} else {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run node: %w", err)
	}
	if proxy != nil {
		err = proxy.Attach(ctx, cmd)
	} else {
		err = cmd.Wait()
	}
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", exit.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// resolveModule finds a module the way Node resolves it from a folder.
func resolveModule(module, dir string) (string, error) {
	cmd := exec.Command("node", "-e", fmt.Sprintf("console.log(require.resolve(%q))", module))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("cannot find %s from %s (run npm ci in that folder): %w", module, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}
