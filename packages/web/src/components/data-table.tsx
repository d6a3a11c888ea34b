import type { ReactNode } from "react";

export interface Column<Row> {
  readonly header: string;
  readonly cell: (row: Row) => ReactNode;
}

/** A button in the last column of a row, e.g. "Revoke", named with the row for screen readers. */
export interface RowAction<Row> {
  readonly text: string;
  readonly label: (row: Row) => string;
  readonly run: (row: Row) => void;
  /** Rows without the action leave the cell empty. */
  readonly offered?: (row: Row) => boolean;
}

/**
 * A captioned table that scrolls sideways on a phone rather than widening the page: the token,
 * edX endpoint and edX post lists.
 */
export const DataTable = <Row,>({
  caption,
  columns,
  rows,
  rowKey,
  action,
}: {
  readonly caption: string;
  readonly columns: ReadonlyArray<Column<Row>>;
  readonly rows: ReadonlyArray<Row>;
  readonly rowKey: (row: Row) => string;
  readonly action?: RowAction<Row>;
}) => (
  <div className="table-scroll">
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column.header}>
              {column.header}
            </th>
          ))}
          {action === undefined ? null : (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((column) => (
              <td key={column.header}>{column.cell(row)}</td>
            ))}
            {action === undefined ? null : (
              <td>
                {action.offered?.(row) === false ? null : (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => action.run(row)}
                    aria-label={action.label(row)}
                  >
                    {action.text}
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);
