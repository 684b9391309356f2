#!/usr/bin/env node
// The `tickflow` command. Node 20 cannot run TypeScript itself, so tsx's loader is registered first.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/main.ts', import.meta.url).href);
