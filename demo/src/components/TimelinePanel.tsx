import { formatTime, plural } from './format';
import { useTimelineEntries } from '../timeline/TimelineContext';

/** What the sessions did, newest first, each with its time. */
export function TimelinePanel() {
  const entries = useTimelineEntries();
  return (
    <section
      className="card timeline-card"
      aria-labelledby="timeline-title"
      data-testid="timeline-panel"
    >
      <div className="card-header">
        <h2 id="timeline-title">Timeline</h2>
        <span className="card-sub">
          {entries.length === 0 ? 'Nothing yet' : plural(entries.length, 'event')}
        </span>
      </div>
      {entries.length === 0 ? (
        <p className="empty">Refreshes, token renewals and errors appear here as they happen.</p>
      ) : (
        // A focusable scroll region, so keyboard users can scroll it too.
        <ol className="timeline" data-testid="timeline" tabIndex={0} aria-label="Session events">
          {entries.map((entry) => (
            <li key={entry.id} className={`event event-${entry.tone}`} data-kind={entry.kind}>
              <time dateTime={entry.at.toISOString()}>{formatTime(entry.at)}</time>
              <span className="event-dot" aria-hidden="true" />
              <div>
                <p className="event-kind">{entry.title}</p>
                <p className="event-text">{entry.text}</p>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
