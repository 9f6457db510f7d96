import { describeError } from '@fedcreds/core';

/**
 * A failure told as a sentence for the person using the app; the developer detail (code, STS's
 * wire code, request id) stays folded away under "Technical details".
 */
export function ErrorNotice({
  error,
  testId,
  tone = 'danger',
  prefix,
}: {
  error: unknown;
  testId: string;
  tone?: 'danger' | 'warn';
  /** Said before the sentence, e.g. "The last refresh failed." */
  prefix?: string;
}) {
  if (error === undefined || error === null) return null;
  const { sentence, detail, code } = describeError(error);
  return (
    <div className={`notice notice-${tone}`} role="alert" data-testid={testId} data-code={code}>
      <p data-testid={`${testId}-sentence`}>
        {prefix !== undefined && <strong>{prefix} </strong>}
        {sentence}
      </p>
      {detail !== '' && (
        <details>
          <summary>Technical details</summary>
          <p className="detail" data-testid={`${testId}-detail`}>
            {detail}
          </p>
        </details>
      )}
    </div>
  );
}
