import { useEffect, useState } from 'react';

/**
 * Milliseconds until `until`, re-rendering once a second while it is in the future; `null`
 * without a date. (The credentials' countdown comes from the library's `useCredentialExpiry`;
 * this one is for the ID token, which the library does not count down.)
 */
export function useTimeLeft(until: Date | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  const target = until?.getTime() ?? null;
  useEffect(() => {
    if (target === null) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= target) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [target]);
  return target === null ? null : Math.max(0, target - now);
}
