// Command pulumi-resource-aws is a STAND-IN for the AWS provider plugin. It talks to no AWS.
//
// The real plugin is a binary that the Pulumi CLI downloads from outside the package registries,
// which this project's machines cannot reach. The engine finds a provider by its binary name, so
// this one carries the real one's name; build.sh puts it in a folder of its own, never on a
// user's PATH.
//
// With it, `pulumi preview` and `pulumi up` complete against a file:// backend, so that tests see
// what Pulumi's engine does with the program: config checks, protect, retainOnDelete, import,
// ignoreChanges, replacements, secrets in state and stack outputs. Everything it says about AWS
// is its own belief and proves nothing about AWS:
//   - "the cloud" is a JSON file named by SNOWPLOW_DEDUP_STAND_IN_CLOUD, seeded by tests;
//   - ids and ARNs are made up, in account 123456789012;
//   - which changes replace a resource is a short list of the real provider's force-new
//     properties, below;
//   - inputs are accepted as they come: no AWS validation, no defaults, no tagsAll;
//   - getRegion and getPartition answer for the configured region from its own short table of
//     partitions, and no other provider function exists.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

const account = "123456789012"

// version is the @pulumi/aws version that package-lock.json pins, with "+stand-in" as semver build
// metadata: the engine's version check passes, and the engine's own messages still say what it is.
var version = "0.0.0+stand-in"

// A change to one of these properties replaces the resource (the real provider's force-new
// properties, for the types this program declares).
var replaceOnChange = map[string][]string{
	"aws:dynamodb/table:Table":                            {"name", "hashKey", "rangeKey"},
	"aws:iam/policy:Policy":                               {"name", "description", "path"},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":   {"role", "policyArn"},
	"aws:iam/userPolicyAttachment:UserPolicyAttachment":   {"user", "policyArn"},
	"aws:iam/groupPolicyAttachment:GroupPolicyAttachment": {"group", "policyArn"},
	"aws:iam/accessKey:AccessKey":                         {"user"},
	"aws:appautoscaling/target:Target":                    {"resourceId", "scalableDimension", "serviceNamespace"},
	"aws:appautoscaling/policy:Policy":                    {"name", "resourceId", "scalableDimension", "serviceNamespace"},
	"aws:cloudwatch/metricAlarm:MetricAlarm":              {"name"},
}

// Types whose `name` the real provider makes up when the program gives none.
var autonamed = map[string]bool{
	"aws:iam/user:User":                      true,
	"aws:appautoscaling/policy:Policy":       true,
	"aws:cloudwatch/metricAlarm:MetricAlarm": true,
}

type object = map[string]any

type cloudEntry struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	State object `json:"state"`
}

// partitionOf is the stand-in's own table of AWS partitions, for the regions a test may name.
func partitionOf(region string) (partition, dnsSuffix string) {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn", "amazonaws.com.cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov", "amazonaws.com"
	default:
		return "aws", "amazonaws.com"
	}
}

type standIn struct {
	pulumirpc.UnimplementedResourceProviderServer
	mu     sync.Mutex
	region string
}

func main() {
	err := provider.Main("aws", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &standIn{}, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func cloudPath() (string, error) {
	path := os.Getenv("SNOWPLOW_DEDUP_STAND_IN_CLOUD")
	if path == "" {
		return "", errors.New("stand-in AWS provider: SNOWPLOW_DEDUP_STAND_IN_CLOUD names no file")
	}
	return path, nil
}

func (p *standIn) load() (map[string]cloudEntry, error) {
	path, err := cloudPath()
	if err != nil {
		return nil, err
	}
	cloud := map[string]cloudEntry{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return cloud, nil
	} else if err != nil {
		return nil, err
	}
	return cloud, json.Unmarshal(data, &cloud)
}

func (p *standIn) save(cloud map[string]cloudEntry) error {
	path, err := cloudPath()
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(cloud, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

func key(typ, id string) string { return typ + "::" + id }

// cloudKey is a resource's key in the cloud: its type and id, and for a scalable target its
// dimension too, since AWS identifies a target by namespace, resource and dimension while the
// provider's id is the resource alone (a table's read and write targets share it).
func cloudKey(typ, id string, props object) string {
	if typ == "aws:appautoscaling/target:Target" {
		return key(typ, id) + "::" + str(props["scalableDimension"])
	}
	return key(typ, id)
}

func typeOf(urn string) string {
	// urn:pulumi:<stack>::<project>::<qualified type>::<name>; the last type is the resource's own.
	parts := splitURN(urn)
	qualified := parts[len(parts)-2]
	for i := len(qualified) - 1; i >= 0; i-- {
		if qualified[i] == '$' {
			return qualified[i+1:]
		}
	}
	return qualified
}

func nameOf(urn string) string {
	parts := splitURN(urn)
	return parts[len(parts)-1]
}

func splitURN(urn string) []string {
	var parts []string
	start := 0
	for i := 0; i+1 < len(urn); i++ {
		if urn[i] == ':' && urn[i+1] == ':' {
			parts = append(parts, urn[start:i])
			start = i + 2
			i++
		}
	}
	return append(parts, urn[start:])
}

func short(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// computed adds the outputs that AWS would compute for a resource of a type.
func (p *standIn) computed(typ, urn string, inputs object) (string, object) {
	out := object{}
	for k, v := range inputs {
		out[k] = v
	}
	name := str(inputs["name"])
	partition, _ := partitionOf(p.region)
	var id string
	switch typ {
	case "aws:dynamodb/table:Table":
		id = name
		out["arn"] = fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", partition, p.region, account, name)
		out["streamArn"] = ""
	case "aws:iam/policy:Policy":
		id = fmt.Sprintf("arn:%s:iam::%s:policy/%s", partition, account, name)
		out["arn"] = id
		out["policyId"] = "ANPA" + short(urn, 17)
	case "aws:iam/user:User":
		id = name
		out["arn"] = fmt.Sprintf("arn:%s:iam::%s:user/%s", partition, account, name)
	case "aws:iam/accessKey:AccessKey":
		id = "AKIASTANDIN" + short(urn, 9)
		out["secret"] = "stand-in-secret-" + short(urn+"secret", 24)
		out["status"] = "Active"
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		id = name
		out["arn"] = fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", partition, p.region, account, name)
	case "aws:appautoscaling/target:Target":
		id = str(inputs["resourceId"])
		out["arn"] = fmt.Sprintf("arn:%s:application-autoscaling:%s:%s:scalable-target/%s", partition, p.region, account, short(urn, 12))
	case "aws:appautoscaling/policy:Policy":
		id = name
		out["arn"] = fmt.Sprintf("arn:%s:autoscaling:%s:%s:scalingPolicy:%s", partition, p.region, account, short(urn, 12))
	default:
		id = nameOf(urn) + "-" + short(urn, 8)
	}
	out["id"] = id
	return id, out
}

func toStruct(m object) (*structpb.Struct, error) { return structpb.NewStruct(m) }

func (p *standIn) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (p *standIn) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *standIn) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (p *standIn) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	// As the real provider: aws:region, or else the environment's region.
	p.region = str(req.GetArgs().AsMap()["region"])
	if p.region == "" {
		p.region = req.GetVariables()["aws:config:region"]
	}
	if p.region == "" {
		p.region = os.Getenv("AWS_REGION")
	}
	if p.region == "" {
		return nil, errors.New("stand-in AWS provider: no region; set aws:region or AWS_REGION")
	}
	// As the real (bridged) provider, it previews creates and updates itself: an update then keeps
	// the outputs that it does not change, such as a table's arn, known in the preview, rather
	// than leaving the engine to mark every output unknown and replace what depends on them.
	return &pulumirpc.ConfigureResponse{
		AcceptSecrets: true, AcceptResources: true, SupportsPreview: true,
	}, nil
}

func (p *standIn) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	partition, dnsSuffix := partitionOf(p.region)
	var result object
	switch req.GetTok() {
	case "aws:index/getRegion:getRegion":
		result = object{"id": p.region, "name": p.region, "region": p.region,
			"endpoint": "ec2." + p.region + "." + dnsSuffix}
	case "aws:index/getPartition:getPartition":
		result = object{"id": partition, "partition": partition, "dnsSuffix": dnsSuffix,
			"reverseDnsPrefix": "com.amazonaws"}
	default:
		return nil, fmt.Errorf("stand-in AWS provider: no function %s", req.GetTok())
	}
	ret, err := toStruct(result)
	return &pulumirpc.InvokeResponse{Return: ret}, err
}

func (p *standIn) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news := req.GetNews().AsMap()
	typ := typeOf(req.GetUrn())
	if autonamed[typ] && news["name"] == nil {
		if old := req.GetOlds().AsMap()["name"]; old != nil {
			news["name"] = old
		} else {
			news["name"] = nameOf(req.GetUrn()) + "-" + short(req.GetUrn()+string(req.GetRandomSeed()), 7)
		}
	}
	inputs, err := toStruct(news)
	if err != nil {
		return nil, err
	}
	// The provider refuses on_demand_throughput together with provisioned capacity.
	if typ == "aws:dynamodb/table:Table" && news["onDemandThroughput"] != nil &&
		(news["writeCapacity"] != nil || news["readCapacity"] != nil) {
		return &pulumirpc.CheckResponse{Inputs: inputs, Failures: []*pulumirpc.CheckFailure{{
			Property: "onDemandThroughput",
			Reason:   "on_demand_throughput cannot be set together with read_capacity or write_capacity",
		}}}, nil
	}
	return &pulumirpc.CheckResponse{Inputs: inputs}, nil
}

// comparableTable gives a table's inputs the form in which the real provider compares them,
// after terraform-provider-aws's aws_dynamodb_table (internal/service/dynamodb/table.go):
//   - table_class is Optional, not ForceNew, and DynamoDB's default class is STANDARD, which the
//     provider reads back into state: declaring STANDARD on a table that had no class set shows no
//     change, and changing the class is an update;
//   - point_in_time_recovery is Optional and Computed, and a CustomizeDiff clears a change between
//     two disabled blocks: while recovery is off the period means nothing, and while it is on an
//     unset period is AWS's default of 35 days, which the provider reads back;
//   - attribute is Optional and Computed, a set hashed by name alone: changing the attributes
//     alone shows no change (the key schema, which is ForceNew, is hash_key and range_key).
func comparableTable(m object) object {
	out := object{}
	for k, v := range m {
		out[k] = v
	}
	if class, _ := out["tableClass"].(string); class == "" {
		out["tableClass"] = "STANDARD"
	}
	pitr, _ := out["pointInTimeRecovery"].(map[string]any)
	if enabled, _ := pitr["enabled"].(bool); enabled {
		period := pitr["recoveryPeriodInDays"]
		if period == nil {
			period = float64(35)
		}
		out["pointInTimeRecovery"] = map[string]any{"enabled": true, "recoveryPeriodInDays": period}
	} else {
		out["pointInTimeRecovery"] = map[string]any{"enabled": false}
	}
	delete(out, "attributes")
	return out
}

func (p *standIn) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds := req.GetOldInputs().AsMap()
	if req.GetOldInputs() == nil {
		olds = req.GetOlds().AsMap()
	}
	news := req.GetNews().AsMap()
	if typeOf(req.GetUrn()) == "aws:dynamodb/table:Table" {
		olds, news = comparableTable(olds), comparableTable(news)
	}
	keys := map[string]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var diffs, replaces []string
	force := map[string]bool{}
	for _, k := range replaceOnChange[typeOf(req.GetUrn())] {
		force[k] = true
	}
	for k := range keys {
		a, _ := json.Marshal(olds[k])
		b, _ := json.Marshal(news[k])
		if string(a) != string(b) {
			diffs = append(diffs, k)
			if force[k] {
				replaces = append(replaces, k)
			}
		}
	}
	sort.Strings(diffs)
	sort.Strings(replaces)
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(diffs) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{Changes: changes, Diffs: diffs, Replaces: replaces}, nil
}

// withCloud loads the cloud, lets f read or change it, and saves it, one call at a time.
func (p *standIn) withCloud(f func(cloud map[string]cloudEntry) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	cloud, err := p.load()
	if err != nil {
		return err
	}
	if err := f(cloud); err != nil {
		return err
	}
	return p.save(cloud)
}

func (p *standIn) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	typ := typeOf(req.GetUrn())
	id, state := p.computed(typ, req.GetUrn(), req.GetProperties().AsMap())
	if req.GetPreview() {
		props, err := toStruct(state)
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	err := p.withCloud(func(cloud map[string]cloudEntry) error {
		if _, taken := cloud[cloudKey(typ, id, state)]; taken {
			return fmt.Errorf("stand-in AWS provider: %s %q already exists", typ, id)
		}
		cloud[cloudKey(typ, id, state)] = cloudEntry{Type: typ, ID: id, State: state}
		return nil
	})
	if err != nil {
		return nil, err
	}
	props, err := toStruct(state)
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

func (p *standIn) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	var entry cloudEntry
	var found bool
	err := p.withCloud(func(cloud map[string]cloudEntry) error {
		entry, found = cloud[cloudKey(typeOf(req.GetUrn()), req.GetId(), req.GetProperties().AsMap())]
		return nil
	})
	if err != nil || !found {
		return &pulumirpc.ReadResponse{}, err
	}
	props, err := toStruct(entry.State)
	if err != nil {
		return nil, err
	}
	inputs := object{}
	for k, v := range entry.State {
		if k != "id" && k != "arn" && k != "streamArn" && k != "policyId" && k != "secret" && k != "status" {
			inputs[k] = v
		}
	}
	in, err := toStruct(inputs)
	return &pulumirpc.ReadResponse{Id: entry.ID, Properties: props, Inputs: in}, err
}

func (p *standIn) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	typ := typeOf(req.GetUrn())
	_, state := p.computed(typ, req.GetUrn(), req.GetNews().AsMap())
	state["id"] = req.GetId()
	if req.GetPreview() {
		// The planned state: the old outputs, with what the new inputs change.
		planned := req.GetOlds().AsMap()
		for k, v := range state {
			planned[k] = v
		}
		props, err := toStruct(planned)
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	err := p.withCloud(func(cloud map[string]cloudEntry) error {
		// A target's dimension is force-new, so an update keeps its key.
		cloud[cloudKey(typ, req.GetId(), state)] = cloudEntry{Type: typ, ID: req.GetId(), State: state}
		return nil
	})
	if err != nil {
		return nil, err
	}
	props, err := toStruct(state)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func (p *standIn) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, p.withCloud(func(cloud map[string]cloudEntry) error {
		delete(cloud, cloudKey(typeOf(req.GetUrn()), req.GetId(), req.GetProperties().AsMap()))
		return nil
	})
}
