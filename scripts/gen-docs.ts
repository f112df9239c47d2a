/**
 * `npm run docs`: regenerates the README tables from the registries (commands, error codes, settings) and the
 * example config file from the settings registry.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { exampleConfigFile } from '../src/service/config.js';
import { readmeTables, withTables } from './readme-tables.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withTables(readFileSync(path, 'utf8'), readmeTables()));
writeFileSync(new URL('../openim-hooks.example.yaml', import.meta.url), exampleConfigFile());
