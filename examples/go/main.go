// The de-duplication table and the shredder's policy from a Pulumi program in Go.
package main

import (
	"example.com/pulumi-snowplowdedup/sdk/go/snowplowdedup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		billing := snowplowdedup.BillingModeProvisioned
		dedup, err := snowplowdedup.NewDuplicateStorage(ctx, "dedup", &snowplowdedup.DuplicateStorageArgs{
			TableName:     pulumi.StringRef("snowplow-deduplication"),
			BillingMode:   &billing,
			WriteCapacity: pulumi.Float64Ref(50),
			AttachToRoles: []pulumi.StringInput{pulumi.String("EMR_EC2_DefaultRole")},
		})
		if err != nil {
			return err
		}
		ctx.Export("tableName", dedup.TableName)
		ctx.Export("duplicateStorageConfigBase64", dedup.DuplicateStorageConfigBase64)
		return nil
	})
}
