// AssumeRoleWithWebIdentity with client-sts by hand: the smallest thing that gets credentials.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';

declare const idToken: string;
const sts = new STSClient({ region: 'us-east-1' });
export const credentials = async () => {
  const { Credentials: c } = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: 'arn:aws:iam::123456789012:role/web',
      RoleSessionName: 'web',
      WebIdentityToken: idToken,
    }),
  );
  return {
    accessKeyId: c!.AccessKeyId!,
    secretAccessKey: c!.SecretAccessKey!,
    sessionToken: c!.SessionToken!,
    expiration: c!.Expiration!,
  };
};
