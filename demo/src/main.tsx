import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { readSamlResponse } from './auth/readSamlResponse';
import './styles.css';

// Read (and wiped from the address bar) once, before React renders: StrictMode runs state
// initializers twice, and the second run would find the fragment gone.
const samlResponse = readSamlResponse();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App samlResponse={samlResponse} />
  </StrictMode>,
);
