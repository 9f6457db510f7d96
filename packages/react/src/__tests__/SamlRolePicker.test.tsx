import { act, fireEvent, render, screen } from '@testing-library/react';
import {
  AwsCredentialsProvider,
  SamlRolePicker,
  useAwsCredentials,
  useSamlRoles,
} from '@fedcreds/react';
import { SAMLCredentials, callbackTokenSource, createFederatedSession } from '@fedcreds/core';
import type { FederatedSession, SamlRole } from '@fedcreds/core';
import { StrictMode, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { devstackForFile, stsCalls, untilStatus } from './harness.js';

const devstack = devstackForFile();

describe('SAML role picking', () => {
  it('lists the roles of the assertion and starts a session with the pair the user picks', async () => {
    const assertion = await devstack.saml.issueAssertion({ username: 'alice' });
    let session: FederatedSession | undefined;
    function Identity() {
      const { status, identity } = useAwsCredentials();
      return <p data-testid="identity">{`${status} as ${identity?.roleArn ?? '?'}`}</p>;
    }
    function App() {
      const [chosen, setChosen] = useState<FederatedSession | null>(null);
      // What an app does with the pair the user picked: a SAML session for that role.
      const start = (role: SamlRole) => {
        session = createFederatedSession({
          credentials: new SAMLCredentials(
            { RoleArn: role.roleArn, PrincipalArn: role.principalArn, SAMLAssertion: assertion },
            { endpoint: devstack.urls.sts, region: devstack.config.region, maxAttempts: 1 },
          ),
          tokenSource: callbackTokenSource(() =>
            devstack.saml.issueAssertion({ username: 'alice' }),
          ),
          environment: null,
        });
        setChosen(session);
      };
      if (chosen === null) return <SamlRolePicker assertion={assertion} onSelect={start} />;
      return (
        <AwsCredentialsProvider session={chosen}>
          <Identity />
        </AwsCredentialsProvider>
      );
    }
    render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((button) => button.textContent)).toEqual([
      'fedcreds-demo-saml',
      'fedcreds-demo-saml-readonly',
    ]);
    const before = stsCalls(devstack, 'AssumeRoleWithSAML');

    fireEvent.click(buttons[1]!);
    await act(() => untilStatus(session!, 'ready'));

    expect(screen.getByTestId('identity').textContent).toBe(
      `ready as ${devstack.roleArn('fedcreds-demo-saml-readonly')}`,
    );
    expect(stsCalls(devstack, 'AssumeRoleWithSAML') - before).toBe(1);
  });

  it('useSamlRoles returns the typed error of an assertion it cannot read', () => {
    function Roles({ assertion }: { assertion: string | null }) {
      const { roles, error } = useSamlRoles(assertion);
      return (
        <p data-testid="roles">
          {error
            ? `${error.code} ${'parameter' in error ? String(error.parameter) : ''}`
            : roles.length}
        </p>
      );
    }
    const view = render(<Roles assertion={null} />);
    expect(screen.getByTestId('roles').textContent).toBe('0');
    view.rerender(<Roles assertion="bm90IHhtbA==" />);
    expect(screen.getByTestId('roles').textContent).toBe('ERR_INVALID_PARAMETER SAMLAssertion');
  });
});
