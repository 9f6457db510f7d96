#!/usr/bin/env node
/* global process */
// Launcher for the published package: runs the compiled CLI (see src/cli.ts).
import { runDevstackCli } from '../dist/cli.js';

await runDevstackCli(process.argv.slice(2));
