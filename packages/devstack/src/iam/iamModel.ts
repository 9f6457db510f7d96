import type { DevstackConfig, DevstackRole } from '../config.js';
import { parsePolicy } from './parsePolicy.js';
import type { NormalizedPolicy, PolicyDocument } from './policyDocument.js';
import {
  oidcProviderUrl,
  shorthandPermissionPolicy,
  shorthandTrustPolicy,
} from './shorthandPolicies.js';

/** Who a credential acts as, as far as IAM cares. */
export interface IamPrincipalRef {
  roleName?: string | undefined;
  userName?: string | undefined;
}

/** An OpenID Provider as IAM knows it: its URL (the name in ARNs and keys) and client ID list. */
export interface IamOidcProvider {
  providerUrl: string;
  arn: string;
  clientIds: readonly string[];
}

/**
 * The configuration's IAM entities with every policy document parsed and checked once: roles
 * (trust and permission policies, shorthands compiled to IAM JSON), IAM users, managed policies
 * and identity providers. Built when the stack starts, so a malformed policy is refused at load
 * with the field that is wrong, not at the first request.
 */
export class IamModel {
  readonly #trust = new Map<string, NormalizedPolicy>();
  readonly #rolePolicies = new Map<string, NormalizedPolicy[]>();
  readonly #userPolicies = new Map<string, NormalizedPolicy[]>();
  readonly #managed = new Map<string, NormalizedPolicy>();
  readonly #config: DevstackConfig;

  constructor(config: DevstackConfig) {
    this.#config = config;
    config.managedPolicies.forEach((managed, i) => {
      this.#managed.set(
        managed.arn,
        parsePolicy(managed.document, 'identity', `managedPolicies[${i}].document`),
      );
    });
    config.roles.forEach((role, i) => {
      const where = `roles[${i}]`;
      const trust = role.trustPolicy ?? shorthandTrustPolicy(config, role);
      const trustWhere = role.trustPolicy
        ? `${where}.trustPolicy`
        : `${where} (webIdentity/samlProvider/assumableBy)`;
      if (trust !== undefined) this.#trust.set(role.name, parsePolicy(trust, 'trust', trustWhere));
      this.#rolePolicies.set(role.name, this.#identityPolicies(role, where));
    });
    config.iamUsers.forEach((user, i) => {
      this.#userPolicies.set(user.userName, this.#identityPolicies(user, `iamUsers[${i}]`));
    });
  }

  #identityPolicies(
    entity: { policies?: PolicyDocument[]; managedPolicyArns?: string[] } & Partial<
      Pick<DevstackRole, 'allow'>
    >,
    where: string,
  ): NormalizedPolicy[] {
    const out = (entity.policies ?? []).map((doc, j) =>
      parsePolicy(doc, 'identity', `${where}.policies[${j}]`),
    );
    (entity.managedPolicyArns ?? []).forEach((arn, j) => {
      const managed = this.#managed.get(arn);
      if (!managed)
        throw new TypeError(
          `${where}.managedPolicyArns[${j}]: no managed policy ${arn} in managedPolicies`,
        );
      out.push(managed);
    });
    const shorthand = shorthandPermissionPolicy(this.#config, entity as DevstackRole);
    if (shorthand) out.push(parsePolicy(shorthand, 'identity', `${where}.allow`));
    return out;
  }

  /** The trust policy of a role; `undefined` when the role has none (nobody may assume it). */
  trustPolicy(roleName: string): NormalizedPolicy | undefined {
    return this.#trust.get(roleName);
  }

  /** The identity-based policies of a role or IAM user (none for unknown principals). */
  identityPolicies(principal: IamPrincipalRef): readonly NormalizedPolicy[] {
    if (principal.roleName !== undefined) return this.#rolePolicies.get(principal.roleName) ?? [];
    if (principal.userName !== undefined) return this.#userPolicies.get(principal.userName) ?? [];
    return [];
  }

  /** A configured managed policy by ARN (`arn:aws:iam::<account|aws>:policy/<name>`). */
  managedPolicy(arn: string): NormalizedPolicy | undefined {
    return this.#managed.get(arn);
  }

  /** Tags of a role or IAM user (`aws:PrincipalTag/<key>`). */
  principalTags(principal: IamPrincipalRef): Readonly<Record<string, string>> {
    const config = this.#config;
    if (principal.roleName !== undefined)
      return config.roles.find((r) => r.name === principal.roleName)?.tags ?? {};
    if (principal.userName !== undefined)
      return config.iamUsers.find((u) => u.userName === principal.userName)?.tags ?? {};
    return {};
  }

  /**
   * The IAM OIDC provider for a token issuer: the stack's own provider (`ownIssuer`) is known as
   * `oidc.providerUrl`; other issuers by their URL without the scheme. Its client ID list is the
   * configured one plus every audience a role's `webIdentity` shorthand accepts from it.
   */
  oidcProvider(iss: string, ownIssuer: string | undefined): IamOidcProvider {
    const config = this.#config;
    const strip = (url: string) => url.replace(/\/+$/, '');
    const own = ownIssuer !== undefined && strip(iss) === strip(ownIssuer);
    const providerUrl = own ? config.oidc.providerUrl : oidcProviderUrl(config, iss);
    const clientIds = new Set<string>(
      own
        ? (config.oidc.clientIds ?? config.oidc.clients.map((c) => c.clientId))
        : (config.sts.externalProviders.find((p) => strip(p.issuer) === strip(iss))?.clientIds ??
            []),
    );
    for (const role of config.roles) {
      for (const trust of role.webIdentity ?? []) {
        const trusted = trust.issuer === 'devstack' ? own : strip(trust.issuer) === strip(iss);
        if (trusted) trust.audiences.forEach((aud) => clientIds.add(aud));
      }
    }
    return {
      providerUrl,
      arn: `arn:aws:iam::${config.accountId}:oidc-provider/${providerUrl}`,
      clientIds: [...clientIds],
    };
  }
}

const models = new WeakMap<DevstackConfig, IamModel>();

/** The {@link IamModel} of a configuration, built on first use and cached per config object. */
export function iamModelFor(config: DevstackConfig): IamModel {
  let model = models.get(config);
  if (!model) {
    model = new IamModel(config);
    models.set(config, model);
  }
  return model;
}
