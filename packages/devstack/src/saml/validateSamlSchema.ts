import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import type { XMLFileInfo } from 'xmllint-wasm';

/** The SAML 2.0 protocol schema first, then everything it imports. */
const SCHEMA_FILES = [
  'saml-schema-protocol-2.0.xsd',
  'saml-schema-assertion-2.0.xsd',
  'xmldsig-core-schema.xsd',
  'xenc-schema.xsd',
  'XMLSchema.dtd',
  'datatypes.dtd',
];

let schemas: Promise<XMLFileInfo[]> | undefined;

/** The OASIS schemas shipped by samlify's xmllint-wasm validator package. */
function loadSchemas(): Promise<XMLFileInfo[]> {
  schemas ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = join(
      dirname(require.resolve('@authenio/samlify-xmllint-wasm/package.json')),
      'schemas',
    );
    return Promise.all(
      SCHEMA_FILES.map(async (fileName) => ({
        fileName,
        contents: await readFile(join(dir, fileName), 'utf8'),
      })),
    );
  })();
  return schemas;
}

/**
 * Validates a SAML protocol message against the SAML 2.0 XSDs with libxml2 (compiled to wasm, no
 * native build, no Java). Resolves `true` or rejects with the schema errors; the message itself
 * is never part of the error, since a signed assertion is a bearer credential. It has samlify's
 * `setSchemaValidator` shape.
 */
export async function validateSamlSchema(xml: string): Promise<true> {
  const [schema, ...preload] = await loadSchemas();
  if (!schema) throw new Error('SAML schemas missing');
  const result = await validateXML({
    xml: [{ fileName: 'message.xml', contents: xml }],
    schema: [schema],
    preload,
  });
  if (result.valid) return true;
  const problems = result.errors.map((error) => error.message).join('; ');
  throw new Error(`SAML message is not schema-valid: ${problems}`);
}
