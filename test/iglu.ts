import Ajv from "ajv";
import addFormats from "ajv-formats";
import schema101 from "./fixtures/iglu/amazon_dynamodb_config-1-0-1.json";
import schema200 from "./fixtures/iglu/amazon_dynamodb_config-2-0-0.json";

const URI =
  /^iglu:com\.snowplowanalytics\.snowplow\.storage\/amazon_dynamodb_config\/jsonschema\/(\d+-\d+-\d+)$/;
const SCHEMAS: Record<string, Record<string, unknown>> = { "1-0-1": schema101, "2-0-0": schema200 };

/**
 * Validates a self-describing duplicate-storage config against the Iglu schema its `schema` URI
 * names, as the shredder does. Returns the problems; none means valid.
 */
export function validateAgainstIglu(config: { schema: string; data: unknown }): string[] {
  const version = URI.exec(config.schema)?.[1];
  if (version === undefined || SCHEMAS[version] === undefined) {
    return [`unknown schema ${config.schema}`];
  }
  // The Iglu meta-schema is not a JSON Schema draft that ajv knows; the rest is plain draft 4.
  const { $schema: _meta, self: _self, ...schema } = SCHEMAS[version];
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(config.data)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}
