// Every export of fedcreds: the whole library, for its own-code size.
export * from '@fedcreds/core';
export * from '@fedcreds/core/oidc';
export * from '@fedcreds/react';
