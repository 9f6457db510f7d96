import type { ContextValue } from '../iam/requestContext.js';
import { StsError } from './stsError.js';
import type { StsParams } from './stsParams.js';

/** Session tags requested for a new session and which of them pass on down a role chain. */
export interface SessionTagRequest {
  tags: Record<string, string>;
  transitiveTagKeys: string[];
}

/** AWS's session tag limits. */
const MAX_TAGS = 50;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

function check(tags: Record<string, string>, transitive: string[]): SessionTagRequest {
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS)
    throw new StsError('ValidationError', `Tags: at most ${MAX_TAGS} session tags are allowed.`);
  const lower = new Set<string>();
  for (const key of keys) {
    if (!TAG_KEY.test(key) || !TAG_VALUE.test(tags[key]!))
      throw new StsError(
        'InvalidParameterValue',
        `Session tag "${key}" has an invalid key or value.`,
      );
    // AWS: tag keys are case-insensitive, so two keys differing only in case are one key twice.
    if (lower.has(key.toLowerCase()))
      throw new StsError('InvalidParameterValue', `Duplicate tag keys found: ${key}.`);
    lower.add(key.toLowerCase());
  }
  for (const key of transitive) {
    if (!lower.has(key.toLowerCase()))
      throw new StsError(
        'InvalidParameterValue',
        `TransitiveTagKeys: ${key} is not a session tag of this request.`,
      );
  }
  return { tags, transitiveTagKeys: transitive };
}

/** `Tags.member.N.Key` / `.Value` and `TransitiveTagKeys.member.N` of an AssumeRole call. */
export function readTagParams(params: StsParams): SessionTagRequest {
  const tags: Record<string, string> = {};
  for (let i = 1; ; i += 1) {
    const key = params.get(`Tags.member.${i}.Key`);
    if (key === undefined) break;
    tags[key] = params.get(`Tags.member.${i}.Value`) ?? '';
  }
  const transitive: string[] = [];
  for (let i = 1; ; i += 1) {
    const key = params.get(`TransitiveTagKeys.member.${i}`);
    if (key === undefined) break;
    transitive.push(key);
  }
  return check(tags, transitive);
}

/** Claim AWS reads web identity session tags from. */
export const WEB_IDENTITY_TAGS_CLAIM = 'https://aws.amazon.com/tags';

/** Session tags of an ID token (`{"principal_tags": {k: [v]}, "transitive_tag_keys": [k]}`). */
export function readTokenTags(claim: unknown): SessionTagRequest {
  if (claim === undefined) return { tags: {}, transitiveTagKeys: [] };
  const bad = () =>
    new StsError('InvalidIdentityToken', `The ${WEB_IDENTITY_TAGS_CLAIM} claim is malformed.`);
  if (typeof claim !== 'object' || claim === null) throw bad();
  const { principal_tags: principal = {}, transitive_tag_keys: transitive = [] } = claim as {
    principal_tags?: unknown;
    transitive_tag_keys?: unknown;
  };
  if (typeof principal !== 'object' || principal === null || !Array.isArray(transitive))
    throw bad();
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(principal)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first !== 'string') throw bad();
    tags[key] = first;
  }
  if (!transitive.every((k): k is string => typeof k === 'string')) throw bad();
  return check(tags, transitive);
}

const SAML_TAG_PREFIX = 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:';
const SAML_TRANSITIVE = 'https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys';

/** Session tags of a SAML assertion (`PrincipalTag:<key>` and `TransitiveTagKeys` attributes). */
export function readSamlTags(attributes: ReadonlyMap<string, string[]>): SessionTagRequest {
  const tags: Record<string, string> = {};
  for (const [name, values] of attributes) {
    if (name.startsWith(SAML_TAG_PREFIX))
      tags[name.slice(SAML_TAG_PREFIX.length)] = values[0] ?? '';
  }
  return check(tags, attributes.get(SAML_TRANSITIVE) ?? []);
}

/** The `aws:RequestTag/<key>`, `aws:TagKeys` and `sts:TransitiveTagKeys` keys of a tag request. */
export function tagContext(request: SessionTagRequest): Record<string, ContextValue> {
  const keys = Object.keys(request.tags);
  const out: Record<string, ContextValue> = {
    'aws:TagKeys': keys.length > 0 ? keys : undefined,
    'sts:TransitiveTagKeys':
      request.transitiveTagKeys.length > 0 ? request.transitiveTagKeys : undefined,
  };
  for (const key of keys) out[`aws:RequestTag/${key}`] = request.tags[key];
  return out;
}
