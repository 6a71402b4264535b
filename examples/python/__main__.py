"""The de-duplication table and the shredder's policy from a Pulumi program in Python."""

import pulumi
import pulumi_snowplowdedup as snowplowdedup

dedup = snowplowdedup.DuplicateStorage(
    "dedup",
    snowplowdedup.DuplicateStorageArgs(
        table_name="snowplow-deduplication",
        billing_mode=snowplowdedup.BillingMode.PROVISIONED,
        write_capacity=50,
        attach_to_roles=["EMR_EC2_DefaultRole"],
    ),
)

pulumi.export("tableName", dedup.table_name)
pulumi.export("duplicateStorageConfigBase64", dedup.duplicate_storage_config_base64)
