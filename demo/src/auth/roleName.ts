import type { SamlRole } from '@fedcreds/core';

/** The role's name: what follows `:role/` in its ARN. */
export const roleName = (role: SamlRole) => role.roleArn.slice(role.roleArn.indexOf(':role/') + 6);
