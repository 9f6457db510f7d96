// Amplify v6: configure, then fetchAuthSession for AWS credentials.
import { Amplify } from 'aws-amplify';
import { fetchAuthSession } from 'aws-amplify/auth';

Amplify.configure({
  Auth: {
    Cognito: { userPoolId: 'eu-west-1_x', userPoolClientId: 'c', identityPoolId: 'eu-west-1:x' },
  },
});
export const credentials = async () => (await fetchAuthSession()).credentials;
