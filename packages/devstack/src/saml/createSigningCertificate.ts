import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

/** An RSA key pair and the self-signed X.509 certificate over its public key, both PEM. */
export interface SigningCertificate {
  privateKeyPem: string;
  certificatePem: string;
}

const generateRsaKeyPair = promisify(generateKeyPair);

/**
 * Creates a fresh RSA-2048 key and a self-signed SHA-256 certificate for it, valid from a day
 * before `now` (clock skew between processes) to a year after. The key comes from node:crypto;
 * node-forge only assembles and signs the certificate, which node:crypto cannot do.
 */
export async function createSigningCertificate(options: {
  commonName: string;
  now?: Date;
}): Promise<SigningCertificate> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const now = options.now ?? new Date();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // A positive serial: clear the top bit of the first byte.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 86_400_000);
  cert.validity.notAfter = new Date(now.getTime() + 365 * 86_400_000);
  const name = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(
    forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    forge.md.sha256.create(),
  );
  return { privateKeyPem: privateKey, certificatePem: forge.pki.certificateToPem(cert) };
}
