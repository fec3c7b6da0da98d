// An administration list whose rows open an edit dialog (accounts, institutions…): the header
// with its "new" button, the notice left by the last save, the filters, the count and the
// responsive table. Each page keeps its filters, columns, rows and dialog.
import type { ComponentChildren } from 'preact';
import { DataTable, ErrorAlert, FilterForm, Notice, PageHeader, ResultSummary, type Async } from '../ui';

export function EditableList<T>(props: {
  title: string;
  lead: string;
  newLabel: string;
  onNew: () => void;
  notice: string | null;
  filterLabel: string;
  filters: ComponentChildren;
  list: Async<T[]>;
  /** "3 cuentas": how many rows, in words. */
  summary: string;
  empty: string;
  caption: string;
  columns: string[];
  testId: string;
  /** The rows (and, after the table, whatever the page adds: its dialog). */
  rows: ComponentChildren;
  children?: ComponentChildren;
}) {
  const { list } = props;
  return (
    <section>
      <PageHeader
        eyebrow="Administración"
        title={props.title}
        lead={props.lead}
        actions={
          <button type="button" class="btn btn-primary" onClick={props.onNew}>
            {props.newLabel}
          </button>
        }
      />
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <FilterForm label={props.filterLabel}>{props.filters}</FilterForm>
      <ErrorAlert error={list.error} />
      <ResultSummary loading={list.loading}>{props.summary}</ResultSummary>
      <DataTable
        loading={list.loading && !list.data}
        error={list.error}
        count={list.data?.length ?? 0}
        empty={props.empty}
        caption={props.caption}
        columns={props.columns}
        actions
        testId={props.testId}
      >
        {props.rows}
      </DataTable>
      {props.children}
    </section>
  );
}
