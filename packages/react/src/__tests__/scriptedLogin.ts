// Run by signInAtIdp() in a separate Node process: the user's trip to the identity provider is a
// top-level navigation (no CORS, its own cookies), which happy-dom's fetch cannot stand in for.
import { loginWithPassword } from '../../../devstack/src/oidc/loginWithPassword.js';

const [authorizeUrl, username, password] = process.argv.slice(2);
if (!authorizeUrl || !username || !password)
  throw new Error('usage: scriptedLogin <authorizeUrl> <username> <password>');
process.stdout.write(await loginWithPassword(authorizeUrl, { username, password }));
