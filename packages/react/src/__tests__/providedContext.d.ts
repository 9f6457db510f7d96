import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The React major the `react` / `react18` vitest project runs this suite with. */
    reactMajor: number;
  }
}
