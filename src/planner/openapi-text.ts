/** Longer descriptions for the OpenAPI document, kept apart so openapi.ts stays a table. */
export const importReportNote =
  'Cells are kept as reported; numbers are derived only by the documented rules (docs/planner.md, "Import rules"). ' +
  'Cells no rule can read are listed in `issues` with line, column, text and reason, and are never guessed. ' +
  'Programme ids are `<source>:<line>`, so importing the same source again replaces its programmes. ' +
  'Unless the caller is an operator, every row must be the caller’s own nation.';
