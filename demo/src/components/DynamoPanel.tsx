import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { useAwsClient } from '@fedcreds/react';
import { useState } from 'react';
import { config } from '../config';
import { ErrorLine } from './ErrorLine';
import { useAction } from './useAction';

/** Puts and gets an item (`pk` → `message`) in the demo table. */
export function DynamoPanel() {
  const dynamodb = useAwsClient(DynamoDBClient, {
    region: config.region,
    ...(config.dynamodbEndpoint === undefined ? {} : { endpoint: config.dynamodbEndpoint }),
  });
  const [pk, setPk] = useState('greeting');
  const [message, setMessage] = useState('Hello from fedcreds');
  const [lastPut, setLastPut] = useState<string | undefined>(undefined);
  const [item, setItem] = useState<{ pk: string; message: string | undefined } | null>(null);
  const [fetched, setFetched] = useState(false);
  const { busy, error, run } = useAction();

  const put = () =>
    run(async () => {
      await dynamodb.send(
        new PutItemCommand({
          TableName: config.table,
          Item: { pk: { S: pk }, message: { S: message } },
        }),
      );
      setLastPut(pk);
    });
  const get = () =>
    run(async () => {
      const result = await dynamodb.send(
        new GetItemCommand({
          TableName: config.table,
          Key: { pk: { S: pk } },
          ConsistentRead: true,
        }),
      );
      setItem(result.Item ? { pk, message: result.Item.message?.S } : null);
      setFetched(true);
    });

  return (
    <section className="panel" data-testid="dynamodb-panel">
      <h2>DynamoDB · {config.table}</h2>
      <label>
        pk <input data-testid="ddb-pk" value={pk} onChange={(event) => setPk(event.target.value)} />
      </label>
      <label>
        message{' '}
        <input
          data-testid="ddb-message"
          value={message}
          onChange={(event) => setMessage(event.target.value)}
        />
      </label>
      <div className="actions">
        <button data-testid="ddb-put" disabled={busy} onClick={() => void put()}>
          Put item
        </button>
        <button data-testid="ddb-get" disabled={busy} onClick={() => void get()}>
          Get item
        </button>
      </div>
      {lastPut !== undefined && <p data-testid="ddb-put-result">Stored {lastPut}</p>}
      {fetched && (
        <p data-testid="ddb-item">
          {item === null ? 'No such item' : `${item.pk}: ${item.message ?? ''}`}
        </p>
      )}
      <ErrorLine error={error} testId="ddb-error" />
    </section>
  );
}
