import { useState } from 'react';

/**
 * How many times the credentials were renewed while this component was mounted: each change from
 * one access key id to another counts once.
 */
export function useRefreshCount(accessKeyId: string | undefined): number {
  const [seen, setSeen] = useState({ accessKeyId, count: 0 });
  if (accessKeyId !== seen.accessKeyId) {
    const renewed = seen.accessKeyId !== undefined && accessKeyId !== undefined;
    // React's "adjust state while rendering" pattern: no effect, no extra commit.
    setSeen({
      accessKeyId: accessKeyId ?? seen.accessKeyId,
      count: seen.count + (renewed ? 1 : 0),
    });
  }
  return seen.count;
}
