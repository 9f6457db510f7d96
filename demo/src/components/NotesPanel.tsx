import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { useAwsClient, useAwsCredentials } from '@fedcreds/react';
import { useCallback, useEffect, useState } from 'react';
import { config } from '../config';
import { ErrorNotice } from './ErrorNotice';
import { formatDateTime } from './format';
import { useAction } from './useAction';

interface Note {
  id: string;
  text: string;
  createdAt: Date | undefined;
}

const { notesTable } = config;

/** A sortable id: creation time first, so a Query returns notes oldest first. */
const newNoteId = () => `${new Date().toISOString()}#${crypto.randomUUID().slice(0, 8)}`;

/**
 * The user's notes in DynamoDB: one partition per user (the partition key is their subject,
 * which the role's policy pins with `dynamodb:LeadingKeys`), listed with a Query on it.
 */
export function NotesPanel() {
  const subject = useAwsCredentials((state) => state.identity?.subject);
  const dynamodb = useAwsClient(DynamoDBClient, {
    region: config.region,
    ...(config.dynamodbEndpoint === undefined ? {} : { endpoint: config.dynamodbEndpoint }),
  });
  const [notes, setNotes] = useState<Note[] | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const { busy, error, run } = useAction();

  const list = useCallback(async () => {
    if (subject === undefined) return;
    const result = await dynamodb.send(
      new QueryCommand({
        TableName: notesTable.name,
        KeyConditionExpression: '#user = :user',
        ExpressionAttributeNames: { '#user': notesTable.partitionKey },
        ExpressionAttributeValues: { ':user': { S: subject } },
        ScanIndexForward: false,
        ConsistentRead: true,
      }),
    );
    setNotes(
      (result.Items ?? []).map((item) => ({
        id: item[notesTable.sortKey]?.S ?? '',
        text: item.text?.S ?? '',
        createdAt: item.createdAt?.S === undefined ? undefined : new Date(item.createdAt.S),
      })),
    );
  }, [dynamodb, subject]);

  useEffect(() => {
    void run(list);
  }, [run, list]);

  const add = () =>
    run(async () => {
      if (subject === undefined || draft.trim() === '') return;
      await dynamodb.send(
        new PutItemCommand({
          TableName: notesTable.name,
          Item: {
            [notesTable.partitionKey]: { S: subject },
            [notesTable.sortKey]: { S: newNoteId() },
            text: { S: draft.trim() },
            createdAt: { S: new Date().toISOString() },
          },
        }),
      );
      setDraft('');
      await list();
    });

  const remove = (note: Note) =>
    run(async () => {
      if (subject === undefined) return;
      await dynamodb.send(
        new DeleteItemCommand({
          TableName: notesTable.name,
          Key: { [notesTable.partitionKey]: { S: subject }, [notesTable.sortKey]: { S: note.id } },
        }),
      );
      await list();
    });

  return (
    <section className="card" aria-labelledby="notes-title" data-testid="dynamodb-panel">
      <div className="card-header">
        <h2 id="notes-title">Notes</h2>
        <span className="card-sub">DynamoDB · {notesTable.name}</span>
      </div>
      <form
        className="form-row"
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <label className="field">
          New note
          <input
            className="input"
            data-testid="ddb-note"
            value={draft}
            maxLength={500}
            placeholder="Write something to keep"
            onChange={(event) => setDraft(event.target.value)}
          />
        </label>
        <button
          type="submit"
          className="button"
          data-testid="ddb-put"
          disabled={busy || draft.trim() === '' || subject === undefined}
        >
          Add note
        </button>
      </form>
      <ErrorNotice error={error} testId="ddb-error" />
      {notes === undefined ? (
        <p className="empty">Loading your notes…</p>
      ) : notes.length === 0 ? (
        <p className="empty" data-testid="ddb-empty">
          No notes yet.
        </p>
      ) : (
        <ul className="rows" data-testid="ddb-notes">
          {notes.map((note) => (
            <li key={note.id} className="row" data-testid="ddb-item">
              <div className="row-main">
                <p className="row-title" data-testid="ddb-item-text">
                  {note.text}
                </p>
                <p className="row-meta">{formatDateTime(note.createdAt)}</p>
              </div>
              <div className="row-actions">
                <button
                  type="button"
                  className="button button-danger"
                  aria-label={`Delete note “${note.text}”`}
                  data-testid="ddb-delete"
                  disabled={busy}
                  onClick={() => void remove(note)}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
