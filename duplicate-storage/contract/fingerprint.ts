/**
 * The `fingerprint` that the shredder stores with each event: the Event Fingerprint Enrichment's
 * hash of the event, in hex. Its length, and so the item's size, depends on the enrichment's
 * `hashAlgorithm` (Iglu schema com.snowplowanalytics.snowplow/event_fingerprint_config 1-0-1:
 * MD5, SHA1, SHA256, SHA384 or SHA512, with no default of its own). Pure values.
 */
import { shredderWrite } from "./table";

/** The Event Fingerprint Enrichment's hash algorithms. */
export const FingerprintAlgorithm = {
  Md5: "MD5",
  Sha1: "SHA1",
  Sha256: "SHA256",
  Sha384: "SHA384",
  Sha512: "SHA512",
} as const;
/** A hash algorithm of the Event Fingerprint Enrichment. */
export type FingerprintAlgorithm = (typeof FingerprintAlgorithm)[keyof typeof FingerprintAlgorithm];

/** Hex characters of each algorithm's digest: its bits over four. */
export const FINGERPRINT_HEX_LENGTH: Record<FingerprintAlgorithm, number> = {
  MD5: 128 / 4,
  SHA1: 160 / 4,
  SHA256: 256 / 4,
  SHA384: 384 / 4,
  SHA512: 512 / 4,
};

/**
 * An item as the shredder writes it, for sizing: a UUID event id, a fingerprint of the
 * algorithm's length, and an ETL time of 2026-11-30 whose `ttl` too has ten significant digits,
 * the most that an epoch second has until the year 2286.
 */
export function sampleShredderItem(algorithm: FingerprintAlgorithm) {
  const etlTime = 1_796_059_137;
  return shredderWrite(
    "c6ef3124-b53a-4b13-a233-0088f79dcbcb",
    "f".repeat(FINGERPRINT_HEX_LENGTH[algorithm]),
    etlTime,
  ).Item;
}
