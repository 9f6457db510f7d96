import { escapeXml } from '../text/escapeXml.js';

/** Namespace of every STS response document. */
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Element content: text, a number, nested elements, or absent (element omitted). */
export type XmlValue = string | number | XmlFields | undefined;
/** Child elements in document order. */
export interface XmlFields {
  [name: string]: XmlValue;
}

function renderFields(fields: XmlFields, indent: string): string {
  let out = '';
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value === 'object') {
      out += `${indent}<${name}>\n${renderFields(value, `${indent}  `)}${indent}</${name}>\n`;
    } else {
      out += `${indent}<${name}>${escapeXml(value, 'text')}</${name}>\n`;
    }
  }
  return out;
}

/** `<{Action}Response>` document with the result and the request id, as AWS STS sends it. */
export function renderResult(action: string, requestId: string, result: XmlFields): string {
  return renderFields(
    {
      [`${action}Response`]: {
        [`${action}Result`]: result,
        ResponseMetadata: { RequestId: requestId },
      },
    },
    '',
  ).replace(`<${action}Response>`, `<${action}Response xmlns="${STS_XMLNS}">`);
}

/** `<ErrorResponse>` document as AWS STS sends it. */
export function renderError(
  code: string,
  message: string,
  status: number,
  requestId: string,
): string {
  return renderFields(
    {
      ErrorResponse: {
        Error: { Type: status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: message },
        RequestId: requestId,
      },
    },
    '',
  ).replace('<ErrorResponse>', `<ErrorResponse xmlns="${STS_XMLNS}">`);
}
