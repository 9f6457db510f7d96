import { useState } from 'react';

/**
 * How many times the credentials were renewed since they appeared: each change from one access
 * key id to another counts once; losing them (sign-out) starts over.
 */
export function useRefreshCount(accessKeyId: string | undefined): number {
  const [seen, setSeen] = useState({ accessKeyId, count: 0 });
  if (accessKeyId !== seen.accessKeyId) {
    const renewed = seen.accessKeyId !== undefined && accessKeyId !== undefined;
    // React's "adjust state while rendering" pattern: no effect, no extra commit.
    setSeen({ accessKeyId, count: accessKeyId === undefined ? 0 : seen.count + (renewed ? 1 : 0) });
  }
  return seen.count;
}
