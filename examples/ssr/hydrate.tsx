import { StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { App } from './App.js';

// The browser takes the server's HTML over; the session starts once hydration has committed.
hydrateRoot(
  document.getElementById('root')!,
  <StrictMode>
    <App origin={window.location.origin} />
  </StrictMode>,
);
