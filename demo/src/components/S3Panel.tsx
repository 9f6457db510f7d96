import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { useAwsClient } from '@fedcreds/react';
import { useState } from 'react';
import { config } from '../config';
import { ErrorLine } from './ErrorLine';
import { useAction } from './useAction';

/** Puts, lists and gets text objects in the demo bucket, signed with the session's credentials. */
export function S3Panel() {
  const s3 = useAwsClient(S3Client, {
    region: config.region,
    ...(config.s3Endpoint === undefined ? {} : { endpoint: config.s3Endpoint }),
    forcePathStyle: true,
  });
  const [key, setKey] = useState('hello.txt');
  const [body, setBody] = useState('Hello from fedcreds');
  const [keys, setKeys] = useState<string[] | undefined>(undefined);
  const [object, setObject] = useState<{ key: string; body: string } | undefined>(undefined);
  const [lastPut, setLastPut] = useState<string | undefined>(undefined);
  const { busy, error, run } = useAction();

  const put = () =>
    run(async () => {
      await s3.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: key,
          Body: body,
          ContentType: 'text/plain',
        }),
      );
      setLastPut(key);
    });
  const list = () =>
    run(async () => {
      const result = await s3.send(new ListObjectsV2Command({ Bucket: config.bucket }));
      setKeys((result.Contents ?? []).flatMap((item) => (item.Key ? [item.Key] : [])));
    });
  const get = () =>
    run(async () => {
      const result = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
      setObject({ key, body: (await result.Body?.transformToString()) ?? '' });
    });

  return (
    <section className="panel" data-testid="s3-panel">
      <h2>S3 · {config.bucket}</h2>
      <label>
        Key{' '}
        <input data-testid="s3-key" value={key} onChange={(event) => setKey(event.target.value)} />
      </label>
      <label>
        Text{' '}
        <input
          data-testid="s3-body"
          value={body}
          onChange={(event) => setBody(event.target.value)}
        />
      </label>
      <div className="actions">
        <button data-testid="s3-put" disabled={busy} onClick={() => void put()}>
          Put object
        </button>
        <button data-testid="s3-list" disabled={busy} onClick={() => void list()}>
          List objects
        </button>
        <button data-testid="s3-get" disabled={busy} onClick={() => void get()}>
          Get object
        </button>
      </div>
      {lastPut !== undefined && <p data-testid="s3-put-result">Stored {lastPut}</p>}
      {keys !== undefined && (
        <ul data-testid="s3-objects">
          {keys.length === 0 && <li>(empty)</li>}
          {keys.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
      {object !== undefined && (
        <p>
          {object.key}: <q data-testid="s3-object-body">{object.body}</q>
        </p>
      )}
      <ErrorLine error={error} testId="s3-error" />
    </section>
  );
}
