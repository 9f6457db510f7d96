import { errorCode, errorMessage } from './errorCode';

/** A failed call, shown as `<code>: <message>`. */
export function ErrorLine({ error, testId }: { error: unknown; testId: string }) {
  if (error === undefined || error === null) return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      <code data-testid={`${testId}-code`}>{errorCode(error)}</code> {errorMessage(error)}
    </p>
  );
}
