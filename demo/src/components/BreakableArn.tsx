import { Fragment } from 'react';

/**
 * An ARN that wraps only after its separators (`:` and `/`), so a narrow screen breaks it
 * between parts instead of mid-word.
 */
export function BreakableArn({ arn, testId }: { arn: string; testId?: string }) {
  const parts = arn.split(/(?<=[:/])/);
  return (
    <span className="mono" data-testid={testId}>
      {parts.map((part, index) => (
        <Fragment key={index}>
          <span className="nowrap">{part}</span>
          {index < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}
