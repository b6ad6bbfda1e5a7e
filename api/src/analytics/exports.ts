/**
 * Tables to Excel (.xlsx, Chinese headers with the English below them in the
 * column note) and CSV (UTF-8 with a byte-order mark, so Excel opens Chinese
 * text correctly). A table is columns and rows; every table of the leaders'
 * view goes through here.
 */
import ExcelJS from 'exceljs';

export interface ExportColumn<Row> {
  /** Header as users read it: 中文 (English). */
  header: string;
  value: (row: Row) => string | number | null;
  /** Excel number format, e.g. '0.0%'. */
  format?: string;
  width?: number;
}

export interface ExportTable<Row> {
  /** Sheet name (Excel allows 31 characters). */
  title: string;
  /** Lines above the table: what it is, the period, when it was computed. */
  notes: string[];
  columns: ExportColumn<Row>[];
  rows: Row[];
}

function csvCell(value: string | number | null): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<Row>(table: ExportTable<Row>): string {
  const lines = [
    table.columns.map((column) => csvCell(column.header)).join(','),
    ...table.rows.map((row) => table.columns.map((column) => csvCell(column.value(row))).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function toXlsx<Row>(table: ExportTable<Row>): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '民情 Minqing';
  const sheet = workbook.addWorksheet(table.title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31));
  for (const note of table.notes) sheet.addRow([note]).font = { italic: true, color: { argb: 'FF555555' } };
  if (table.notes.length > 0) sheet.addRow([]);
  const header = sheet.addRow(table.columns.map((column) => column.header));
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F5' } };
  const headerRow = header.number;
  for (const row of table.rows) sheet.addRow(table.columns.map((column) => column.value(row)));
  table.columns.forEach((column, index) => {
    const excelColumn = sheet.getColumn(index + 1);
    excelColumn.width = column.width ?? Math.min(40, Math.max(10, column.header.length * 1.6));
    if (column.format) excelColumn.numFmt = column.format;
  });
  sheet.views = [{ state: 'frozen', ySplit: headerRow }];
  sheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: table.columns.length } };
  const written = await workbook.xlsx.writeBuffer();
  return new Uint8Array(written as unknown as ArrayBuffer);
}
