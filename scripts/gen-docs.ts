/** `npm run docs`: regenerates the README tables from the registries (commands, error codes, settings). */
import { readFileSync, writeFileSync } from 'node:fs';
import { readmeTables, withTables } from './readme-tables.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withTables(readFileSync(path, 'utf8'), readmeTables()));
