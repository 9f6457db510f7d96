import { version } from 'react';
import { version as domVersion } from 'react-dom';
import { describe, expect, inject, it } from 'vitest';

describe('React under test', () => {
  it('is the major this project promises (the suite runs once with React 19 and once with 18)', () => {
    const major = String(inject('reactMajor'));
    expect(version.split('.')[0]).toBe(major);
    expect(domVersion.split('.')[0]).toBe(major);
  });
});
