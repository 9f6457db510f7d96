import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { XhrHttpHandler } from '@aws-sdk/xhr-http-handler';
import { useAwsClient, useAwsCredentials } from '@fedcreds/react';
import { useCallback, useEffect, useId, useState } from 'react';
import { config } from '../config';
import { ErrorNotice } from './ErrorNotice';
import { formatBytes, formatDateTime } from './format';
import { useAction } from './useAction';

interface StoredFile {
  key: string;
  name: string;
  size: number | undefined;
  lastModified: Date | undefined;
}

/** Upload progress of the one file being sent. */
interface Upload {
  name: string;
  loaded: number;
  total: number;
}

// XMLHttpRequest instead of fetch: only it reports upload progress. One handler for the page, so
// the client built from this config stays the same one across renders.
const requestHandler = new XhrHttpHandler({});

/** Largest file the demo reads into memory to upload in one PUT. */
const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/**
 * The user's files in the demo bucket, under their own prefix (`<subject>/…`, which the role's
 * policy limits them to): upload with progress, list with sizes and dates, download, delete.
 */
export function S3Panel() {
  const subject = useAwsCredentials((state) => state.identity?.subject);
  const s3 = useAwsClient(S3Client, {
    region: config.region,
    ...(config.s3Endpoint === undefined ? {} : { endpoint: config.s3Endpoint }),
    forcePathStyle: true,
    requestHandler,
    // A checksum only where S3 requires one: the browser build cannot stream-hash a File body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const prefix = subject === undefined ? undefined : `${subject}/`;
  const [files, setFiles] = useState<StoredFile[] | undefined>(undefined);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [lastUploaded, setLastUploaded] = useState<string | undefined>(undefined);
  const { busy, error, run } = useAction();
  const inputId = useId();

  const list = useCallback(async () => {
    if (prefix === undefined) return;
    const result = await s3.send(
      new ListObjectsV2Command({ Bucket: config.bucket, Prefix: prefix }),
    );
    setFiles(
      (result.Contents ?? [])
        .flatMap((item) =>
          item.Key
            ? [
                {
                  key: item.Key,
                  name: item.Key.slice(prefix.length),
                  size: item.Size,
                  lastModified: item.LastModified,
                },
              ]
            : [],
        )
        .sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0)),
    );
  }, [s3, prefix]);

  useEffect(() => {
    void run(list);
  }, [run, list]);

  const uploadFile = (file: File) =>
    run(async () => {
      if (prefix === undefined) return;
      if (file.size > MAX_UPLOAD_BYTES)
        throw Object.assign(new Error(file.name), { name: 'EntityTooLarge' });
      setUpload({ name: file.name, loaded: 0, total: file.size });
      const onProgress = (event: ProgressEvent) =>
        setUpload({ name: file.name, loaded: event.loaded, total: event.total || file.size });
      requestHandler.on(XhrHttpHandler.EVENTS.UPLOAD_PROGRESS, onProgress);
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: config.bucket,
            Key: `${prefix}${file.name}`,
            Body: new Uint8Array(await file.arrayBuffer()),
            ContentType: file.type || 'application/octet-stream',
          }),
        );
        setLastUploaded(file.name);
      } finally {
        requestHandler.off(XhrHttpHandler.EVENTS.UPLOAD_PROGRESS, onProgress);
        setUpload(null);
      }
      await list();
    });

  const download = (file: StoredFile) =>
    run(async () => {
      const result = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: file.key }));
      const bytes = (await result.Body?.transformToByteArray()) ?? new Uint8Array();
      const url = URL.createObjectURL(
        new Blob([bytes as BlobPart], { type: result.ContentType ?? 'application/octet-stream' }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = file.name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });

  const remove = (file: StoredFile) =>
    run(async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: file.key }));
      await list();
    });

  const percent = upload && upload.total > 0 ? Math.round((upload.loaded / upload.total) * 100) : 0;

  return (
    <section className="card" aria-labelledby="files-title" data-testid="s3-panel">
      <div className="card-header">
        <h2 id="files-title">Files</h2>
        <span className="card-sub">
          S3 · {config.bucket}/{prefix ?? ''}
        </span>
      </div>
      <div className="actions">
        <input
          id={inputId}
          className="file-input"
          type="file"
          data-testid="s3-file"
          disabled={busy || prefix === undefined}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file !== undefined) void uploadFile(file);
          }}
        />
        <label htmlFor={inputId} className="button" aria-disabled={busy || prefix === undefined}>
          Upload a file
        </label>
        <button
          type="button"
          className="button button-secondary"
          data-testid="s3-list"
          disabled={busy}
          onClick={() => void run(list)}
        >
          Reload list
        </button>
      </div>
      {upload !== null && (
        <div className="progress" data-testid="s3-progress">
          <div className="meter-label">
            <span id="upload-label">Uploading {upload.name}</span>
            <span className="meter-value">{percent}%</span>
          </div>
          <div
            className="meter-track"
            role="progressbar"
            aria-labelledby="upload-label"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
          >
            <div className="meter-fill" style={{ width: `${percent}%` }} />
          </div>
        </div>
      )}
      {lastUploaded !== undefined && upload === null && (
        <p className="hint" role="status" data-testid="s3-put-result">
          Uploaded {lastUploaded}
        </p>
      )}
      <ErrorNotice error={error} testId="s3-error" />
      {files === undefined ? (
        <p className="empty">Loading your files…</p>
      ) : files.length === 0 ? (
        <p className="empty" data-testid="s3-empty">
          No files yet. Upload one to store it under your own prefix.
        </p>
      ) : (
        <ul className="rows" data-testid="s3-objects">
          {files.map((file) => (
            <li key={file.key} className="row" data-testid="s3-object">
              <div className="row-main">
                <p className="row-title" data-testid="s3-object-name">
                  {file.name}
                </p>
                <p className="row-meta">
                  {formatBytes(file.size)} · {formatDateTime(file.lastModified)}
                </p>
              </div>
              <div className="row-actions">
                <button
                  type="button"
                  className="button button-secondary"
                  aria-label={`Download ${file.name}`}
                  data-testid="s3-download"
                  disabled={busy}
                  onClick={() => void download(file)}
                >
                  Download
                </button>
                <button
                  type="button"
                  className="button button-danger"
                  aria-label={`Delete ${file.name}`}
                  data-testid="s3-delete"
                  disabled={busy}
                  onClick={() => void remove(file)}
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
