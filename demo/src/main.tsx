import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config } from './config';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <pre>{JSON.stringify(config, null, 2)}</pre>
  </StrictMode>,
);
