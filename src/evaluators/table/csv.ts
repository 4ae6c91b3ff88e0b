/**
 * A small CSV reader for benchmark tables: a header row, comma-separated fields,
 * optional double quotes (a quoted field may hold commas; "" is a literal quote).
 * Multi-line quoted fields are not supported: tables here hold one record per line.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../../core/errors.js';

/** Splits one CSV line into fields. Returns null if a quote is left open. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { fields.push(field); field = ''; }
    else field += c;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}

/** A parsed CSV: header names and the raw rows, with their 1-based line numbers. */
export interface CsvData {
  header: string[];
  rows: { line: number; fields: string[] }[];
}

/**
 * Parses CSV text. `where` names the source in error messages.
 * Throws a plain Error (callers turn it into a UserError with their context).
 */
export function parseCsv(text: string, where: string): CsvData {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '');
  if (!header || header.length === 0 || (header.length === 1 && header[0] === '')) {
    throw new Error(`${where}: empty file or missing header row`);
  }
  const rows: CsvData['rows'] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const fields = splitCsvLine(lines[i]);
    if (!fields) throw new Error(`${where} line ${i + 1}: unclosed quote`);
    if (fields.length !== header.length) {
      throw new Error(`${where} line ${i + 1}: ${fields.length} fields, the header has ${header.length}`);
    }
    rows.push({ line: i + 1, fields });
  }
  return { header: header.map((h) => h.trim()), rows };
}

/**
 * Reads a benchmark table and checks it has the `need`ed columns: a UserError naming the file for an
 * unreadable file, a malformed CSV or a missing column (with the columns it has).
 */
export function readCsvTable(file: string, need: string[]): CsvData {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (e) {
    throw new UserError(`table ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let csv: CsvData;
  try {
    csv = parseCsv(text, file);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const missing = need.filter((c) => !csv.header.includes(c));
  if (missing.length > 0) {
    throw new UserError(`table ${file} has no column ${missing.map((c) => `"${c}"`).join(', ')}; its columns are: ${csv.header.join(', ')}`);
  }
  return csv;
}

